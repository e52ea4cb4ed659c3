require "minitest/autorun"
require "open3"
require "tmpdir"
require "fileutils"
require "yaml"

# `bin/rails g borela` inside a real Rails app made by this test with Debian's
# rails, offline: the app's Gemfile names the installed frameworks and this
# gem by path, and `bundle install --local` resolves them without a network.
# The app gets Rails 8's Kamal files so the whole generator runs for real.
class RealAppTest < Minitest::Test
  GEM_DIR = File.expand_path("..", __dir__)
  FIXTURES = File.expand_path("fixtures", __dir__)

  def run!(*cmd, chdir:)
    out, status = Open3.capture2e({ "BUNDLE_GEMFILE" => nil, "RUBYOPT" => nil }, *cmd, chdir: chdir)
    assert status.success?, "#{cmd.join(' ')} failed in #{chdir}:\n#{out}"
    out
  end

  def setup
    @dir = Dir.mktmpdir("borela-rails-app-")
    run!("rails", "new", "shop", "--minimal", "--skip-bundle", "--skip-git", "--skip-javascript",
         "--skip-active-storage", "--skip-test", "--skip-sprockets", "--skip-bootsnap", "-q", chdir: @dir)
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
    # The evented file watcher needs the `listen` gem, which the Gemfile above leaves out.
    dev = File.join(@app, "config/environments/development.rb")
    File.write(dev, File.read(dev).lines.reject { |l| l.include?("EventedFileUpdateChecker") }.join)
    FileUtils.mkdir_p(File.join(@app, ".kamal"))
    FileUtils.cp(File.join(FIXTURES, "rails8_deploy.yml"), File.join(@app, "config/deploy.yml"))
    FileUtils.cp(File.join(FIXTURES, "kamal_secrets"), File.join(@app, ".kamal/secrets"))
    run!("bundle", "install", "--local", "--quiet", chdir: @app)
  end

  def teardown
    FileUtils.rm_rf(@dir)
  end

  def read(path)
    File.read(File.join(@app, path))
  end

  def test_generator_in_a_real_app
    out = run!("bin/rails", "g", "borela", "--server", "https://borela.test", chdir: @app)
    assert_match(%r{create\s+config/borela\.yml}, out)
    assert_match(%r{insert\s+config/deploy\.yml}, out)
    assert_match(%r{"\$BORELA_SERVER/api/v1/projects".*-d '\{"name":"shop"\}'}, out)

    # Rails 6.1's `rails new` keeps the production database in db/.
    assert_equal({ "server" => "https://borela.test", "token" => "${BORELA_AGENT_TOKEN}", "heartbeatIntervalSeconds" => 30,
                   "databases" => [{ "name" => "primary", "path" => "/rails/db/production.sqlite3" }] },
                 YAML.safe_load(read("config/borela.yml")))
    borela = YAML.safe_load(read("config/deploy.yml"))["accessories"]["borela"]
    assert_equal "192.0.2.10", borela["host"]
    assert_equal ["BORELA_AGENT_TOKEN"], borela["env"]["secret"]
    assert_match(/^BORELA_AGENT_TOKEN=\$BORELA_AGENT_TOKEN$/, read(".kamal/secrets"))
    assert read("config/deploy.yml").start_with?(File.read(File.join(FIXTURES, "rails8_deploy.yml")))

    files = %w[config/borela.yml config/deploy.yml .kamal/secrets].to_h { |f| [f, read(f)] }
    again = run!("bin/rails", "g", "borela", "--server", "https://borela.test", chdir: @app)
    assert_match(%r{identical\s+config/borela\.yml}, again)
    files.each { |file, content| assert_equal content, read(file), "#{file} changed on the second run" }
  end

  def test_the_generator_lists_its_options
    out = run!("bin/rails", "g", "borela", "--help", chdir: @app)
    %w[--server --replica --skip-kamal --app-root --image].each { |option| assert_includes out, option }
  end
end
