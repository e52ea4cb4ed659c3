$LOAD_PATH.unshift File.expand_path("../lib", __dir__)
require "minitest/autorun"
require "fileutils"
require "tmpdir"
require "yaml"
require "rails"
require "rails/generators"
require "rails/generators/test_case"
require "generators/borela/borela_generator"

FIXTURES = File.expand_path("fixtures", __dir__)
# One private folder per test process: other runs of these tests may be going on beside this one.
TMP_ROOT = Dir.mktmpdir("borela-rails-test-")
Minitest.after_run { FileUtils.rm_rf(TMP_ROOT) }

# Generator tests: an app folder made of fixtures, then `run_generator`.
module GeneratorTestSupport
  def fixture(name)
    File.read(File.join(FIXTURES, name))
  end

  # Copies fixtures into the destination app: { "config/database.yml" => "rails8_database.yml", ... }.
  def app_with(files)
    files.each do |target, source|
      path = File.join(destination_root, target)
      FileUtils.mkdir_p(File.dirname(path))
      FileUtils.cp(File.join(FIXTURES, source), path)
    end
  end

  def read(path)
    File.read(File.join(destination_root, path))
  end

  def agent_config
    YAML.safe_load(read("config/borela.yml"))
  end

  # Every file under the destination with its content, to prove a run changed nothing.
  def snapshot
    Dir.glob("**/*", File::FNM_DOTMATCH, base: destination_root)
       .select { |f| File.file?(File.join(destination_root, f)) }
       .sort.to_h { |f| [f, read(f)] }
  end
end

# The generator's test cases: each names its own destination folder under TMP_ROOT.
class BorelaGeneratorTestCase < Rails::Generators::TestCase
  include GeneratorTestSupport
  tests BorelaGenerator
  setup :prepare_destination
end
