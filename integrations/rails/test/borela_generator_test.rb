require_relative "test_helper"
require "fileutils"
require "tmpdir"

class BorelaGeneratorTest < Rails::Generators::TestCase
  tests BorelaGenerator
  destination File.join(Dir.tmpdir, "borela-rails-generator-test")
  setup :prepare_destination

  def app_with(database_yml, deploy: false, compose: false, secrets: false)
    FileUtils.mkdir_p(File.join(destination_root, "config"))
    FileUtils.cp(File.join(FIXTURES, database_yml), File.join(destination_root, "config/database.yml"))
    FileUtils.cp(File.join(FIXTURES, "deploy.yml"), File.join(destination_root, "config/deploy.yml")) if deploy
    File.write(File.join(destination_root, "compose.yaml"), "services:\n  web:\n    image: shop\n") if compose
    if secrets
      FileUtils.mkdir_p(File.join(destination_root, ".kamal"))
      File.write(File.join(destination_root, ".kamal/secrets"), "RAILS_MASTER_KEY=$(cat config/master.key)\n")
    end
  end

  test "Rails 8 four-database layout: every SQLite database, container paths, token as a reference" do
    app_with "rails8_database.yml"
    run_generator
    assert_file "config/borela.yml" do |content|
      config = YAML.safe_load(content)
      assert_equal "${BORELA_SERVER}", config["server"]
      assert_equal "${BORELA_AGENT_TOKEN}", config["token"]
      assert_equal %w[primary cache queue cable], config["databases"].map { |d| d["name"] }
      assert_equal "/rails/storage/production.sqlite3", config["databases"][0]["path"]
      assert_equal "/rails/storage/production_cable.sqlite3", config["databases"][3]["path"]
      assert(config["databases"].none? { |d| d.key?("replica") })
    end
  end

  test "single database with an absolute path, a server and a bring-your-own replica" do
    app_with "single_database.yml"
    run_generator %w[--server https://borela.example.com --replica s3://backups/shop/]
    assert_file "config/borela.yml" do |content|
      config = YAML.safe_load(content)
      assert_equal "https://borela.example.com", config["server"]
      assert_equal [{ "name" => "primary", "path" => "/var/lib/app/production.sqlite3", "replica" => "s3://backups/shop/primary" }], config["databases"]
    end
  end

  test "ERB in database.yml is evaluated" do
    app_with "erb_database.yml"
    run_generator
    assert_file "config/borela.yml", %r{path: /rails/storage/production\.sqlite3}
  end

  test "no SQLite database: a clear message and nothing written" do
    app_with "postgres_database.yml", deploy: true
    output = run_generator
    assert_match(/no SQLite database for production/, output)
    assert_no_file "config/borela.yml"
    assert_file "config/deploy.yml" do |content|
      assert_equal File.read(File.join(FIXTURES, "deploy.yml")), content
    end
  end

  test "Kamal: adds the accessory with the app's volume and first host, keeps comments, adds the secret" do
    app_with "rails8_database.yml", deploy: true, secrets: true
    run_generator %w[--server https://borela.example.com]
    assert_file "config/deploy.yml" do |content|
      assert_match(/# Use accessory services \(secrets come from .kamal\/secrets\)\./, content)
      assert_match(/#   image: redis:7.0/, content)
      borela = YAML.safe_load(content)["accessories"]["borela"]
      assert_equal "borela/borela:latest", borela["image"]
      assert_equal "192.0.2.10", borela["host"]
      assert_equal "agent", borela["cmd"]
      assert_equal ["shop_storage:/rails/storage"], borela["volumes"]
      assert_equal ["BORELA_AGENT_TOKEN"], borela["env"]["secret"]
      assert_equal "https://borela.example.com", borela["env"]["clear"]["BORELA_SERVER"]
      assert_equal ["config/borela.yml:/rails/config/borela.yml"], borela["files"]
    end
    assert_file ".kamal/secrets", /^BORELA_AGENT_TOKEN=\$BORELA_AGENT_TOKEN$/
  end

  test "re-running changes nothing that is already right" do
    app_with "rails8_database.yml", deploy: true, secrets: true
    run_generator
    before = %w[config/borela.yml config/deploy.yml .kamal/secrets].to_h { |f| [f, File.read(File.join(destination_root, f))] }
    output = run_generator
    assert_match(/identical\s+config\/borela.yml/, output)
    before.each { |file, content| assert_equal content, File.read(File.join(destination_root, file)), file }
  end

  test "--skip-kamal leaves deploy.yml alone" do
    app_with "rails8_database.yml", deploy: true
    run_generator %w[--skip-kamal]
    assert_file "config/deploy.yml" do |content|
      refute_match(/borela/, content)
    end
  end

  test "a compose file: prints the compose snippet and the next steps" do
    app_with "rails8_database.yml", compose: true
    output = run_generator
    assert_match(/Add this service beside your app in compose.yaml/, output)
    assert_match(/BORELA_AGENT_TOKEN: \$\{BORELA_AGENT_TOKEN\}/, output)
    assert_match(%r{storage:/rails/storage}, output)
    assert_match(%r{curl -X POST "\$BORELA_SERVER/api/v1/projects"}, output)
    refute_match(/bra_[A-Za-z0-9_-]{10,}/, output)
  end
end
