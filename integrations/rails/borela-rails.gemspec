require_relative "lib/borela/rails/version"

Gem::Specification.new do |spec|
  spec.name = "borela-rails"
  spec.version = Borela::Rails::VERSION
  spec.summary = "bin/rails g borela: watch your Rails app's SQLite backups with Borela"
  spec.description = "Finds the app's production SQLite databases, writes config/borela.yml for the Borela agent, " \
                     "adds a Borela accessory to Kamal's config/deploy.yml and prints a compose service."
  spec.authors = ["Borela"]
  spec.license = "MIT"
  spec.files = Dir.glob("lib/**/*", base: __dir__) + ["README.md"]
  spec.require_paths = ["lib"]
  spec.required_ruby_version = ">= 3.0"
  spec.add_dependency "railties", ">= 6.1"
end
