$LOAD_PATH.unshift File.expand_path("../lib", __dir__)
require "minitest/autorun"
require "rails"
require "rails/generators"
require "rails/generators/test_case"
require "generators/borela/borela_generator"

FIXTURES = File.expand_path("fixtures", __dir__)
