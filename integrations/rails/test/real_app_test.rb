require "minitest/autorun"
require "open3"
require "tmpdir"
require "fileutils"
require "yaml"

# One run of `bin/rails g borela` inside a real Rails app made by the test
# with Debian's rails, offline: the app's Gemfile names the installed
# frameworks and this gem by path. The written config is then checked by the
# Borela agent itself (`borela agent --check-config`).
class RealAppTest < Minitest::Test
  GEM_DIR = File.expand_path("..", __dir__)
  REPO = File.expand_path("../../..", __dir__)

  def run!(*cmd, chdir:, env: {})
    out, status = Open3.capture2e(env, *cmd, chdir: chdir)
    assert status.success?, "#{cmd.join(' ')} failed:\n#{out}"
    out
  end

  def setup
    @dir = Dir.mktmpdir("borela-rails-app-")
    run!("rails", "new", "shop", "--minimal", "--skip-bundle", "--skip-git", "--skip-javascript", "--skip-active-storage",
         "--skip-test", "--skip-sprockets", "-q", chdir: @dir)
    @app = File.join(@dir, "shop")
    File.write(File.join(@app, "Gemfile"), <<~GEMFILE)
      source "https://rubygems.org"
      gem "railties"
      gem "activerecord"
      gem "actionpack"
      gem "actionview"
      gem "activemodel"
      gem "sqlite3"
      gem "borela-rails", path: #{GEM_DIR.inspect}
    GEMFILE
    # The evented file watcher needs the `listen` gem, which Debian's rails does not pull in.
    dev = File.join(@app, "config/environments/development.rb")
    File.write(dev, File.read(dev).lines.reject { |l| l.include?("EventedFileUpdateChecker") }.join)
    run!("bundle", "install", "--local", "--quiet", chdir: @app)
  end

  def teardown
    FileUtils.rm_rf(@dir)
  end

  def check_config(file)
    Open3.capture2e({ "BORELA_AGENT_TOKEN" => "bra_example_token_value", "BORELA_SERVER" => "https://borela.example.com" },
                    "node", File.join(REPO, "core/bin/borela.js"), "agent", "--check-config", "--config", file, chdir: @app)
  end

  def test_generator_in_a_real_app_writes_a_config_the_agent_accepts
    out = run!("bin/rails", "g", "borela", chdir: @app)
    assert_match(%r{create\s+config/borela.yml}, out)
    config = YAML.safe_load(File.read(File.join(@app, "config/borela.yml")))
    assert_equal "${BORELA_AGENT_TOKEN}", config["token"]
    assert_equal [{ "name" => "primary", "path" => "/rails/db/production.sqlite3" }], config["databases"]

    checked, status = check_config("config/borela.yml")
    assert status.success?, checked
    assert_match(%r{primary\s+/rails/db/production\.sqlite3}, checked)
    refute_match(/bra_example_token_value/, checked)

    again = run!("bin/rails", "g", "borela", chdir: @app)
    assert_match(%r{identical\s+config/borela.yml}, again)
  end

  def test_agent_refuses_a_config_with_a_relative_path_naming_it
    File.write(File.join(@app, "config/bad.yml"), "server: ${BORELA_SERVER}\ntoken: ${BORELA_AGENT_TOKEN}\ndatabases:\n  - path: db/production.sqlite3\n")
    out, status = check_config("config/bad.yml")
    refute status.success?, out
    assert_match(%r{db/production\.sqlite3}, out)
  end
end
