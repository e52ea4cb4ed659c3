require_relative "test_helper"

# config/borela.yml from database.yml fixtures: which databases, which paths, which settings.
class BorelaGeneratorTest < BorelaGeneratorTestCase
  destination File.join(TMP_ROOT, "agent-config")

  test "Rails 8 four-database layout: every production database at its path in the container" do
    app_with "config/database.yml" => "rails8_database.yml"
    output = run_generator
    assert_match(%r{create\s+config/borela\.yml}, output)
    config = agent_config
    assert_equal "${BORELA_SERVER}", config["server"]
    assert_equal "${BORELA_AGENT_TOKEN}", config["token"]
    assert_equal 30, config["heartbeatIntervalSeconds"]
    assert_equal [
      { "name" => "primary", "path" => "/rails/storage/production.sqlite3" },
      { "name" => "cache", "path" => "/rails/storage/production_cache.sqlite3" },
      { "name" => "queue", "path" => "/rails/storage/production_queue.sqlite3" },
      { "name" => "cable", "path" => "/rails/storage/production_cable.sqlite3" }
    ], config["databases"]
  end

  test "the file is written in the agent's format, line for line" do
    app_with "config/database.yml" => "single_database.yml"
    run_generator
    assert_file "config/borela.yml", <<~YAML
      # config/borela.yml — read by `borela agent --config <file>`; ${VAR} is expanded from the environment.
      server: ${BORELA_SERVER}
      token: ${BORELA_AGENT_TOKEN}
      heartbeatIntervalSeconds: 30
      databases:
        - name: primary
          path: /var/lib/app/production.sqlite3
    YAML
  end

  test "single database with an absolute path is kept; --server and --replica are written" do
    app_with "config/database.yml" => "single_database.yml"
    run_generator %w[--server https://borela.test:8080 --replica s3://backups/shop/?endpoint=http://127.0.0.1:9000]
    config = agent_config
    assert_equal "https://borela.test:8080", config["server"]
    assert_equal "${BORELA_AGENT_TOKEN}", config["token"]
    assert_equal [{ "name" => "primary", "path" => "/var/lib/app/production.sqlite3",
                    "replica" => "s3://backups/shop/primary?endpoint=http://127.0.0.1:9000" }], config["databases"]
  end

  test "--replica gives each of the four databases its own folder" do
    app_with "config/database.yml" => "rails8_database.yml"
    run_generator %w[--replica file:///var/backups/shop]
    assert_equal %w[primary cache queue cable].map { |n| "file:///var/backups/shop/#{n}" },
                 agent_config["databases"].map { |d| d["replica"] }
  end

  test "--app-root moves relative paths and leaves absolute ones" do
    app_with "config/database.yml" => "rails8_database.yml"
    run_generator %w[--app-root /srv/shop/]
    assert_equal "/srv/shop/storage/production_queue.sqlite3", agent_config["databases"][2]["path"]
  end

  test "ERB in database.yml is evaluated; read replicas of a listed file are not listed again" do
    app_with "config/database.yml" => "erb_database.yml"
    ENV["BORELA_TEST_STORAGE_DIR"] = "/data/shop"
    run_generator
    assert_equal [%w[primary /data/shop/production.sqlite3], %w[cache /data/shop/production_cache.sqlite3],
                  %w[queue /data/shop/production_queue.sqlite3]],
                 agent_config["databases"].map { |d| [d["name"], d["path"]] }
  ensure
    ENV.delete("BORELA_TEST_STORAGE_DIR")
  end

  test "no SQLite database: a clear message and nothing written anywhere" do
    app_with "config/database.yml" => "postgres_database.yml", "config/deploy.yml" => "rails8_deploy.yml",
             ".kamal/secrets" => "kamal_secrets", "compose.yaml" => "compose.yaml"
    before = snapshot
    output = run_generator
    assert_match(/config\/database\.yml has no SQLite database for production/, output)
    assert_match(/nothing was written/, output)
    assert_no_file "config/borela.yml"
    assert_equal before, snapshot
    refute_match(/curl/, output)
  end

  test "no database.yml: the message names the file" do
    output = run_generator
    assert_match(%r{cannot read the databases: .*config/database\.yml does not exist}, output)
    assert_no_file "config/borela.yml"
  end

  test "re-running with the same settings leaves config/borela.yml identical" do
    app_with "config/database.yml" => "rails8_database.yml"
    run_generator %w[--server https://borela.test]
    before = read("config/borela.yml")
    output = run_generator %w[--server https://borela.test]
    assert_match(%r{identical\s+config/borela\.yml}, output)
    assert_equal before, read("config/borela.yml")
  end

  test "other settings on a re-run: --skip keeps the file, --force rewrites it" do
    app_with "config/database.yml" => "rails8_database.yml"
    run_generator
    before = read("config/borela.yml")
    output = run_generator %w[--server https://other.test --skip]
    assert_match(%r{skip\s+config/borela\.yml}, output)
    assert_equal before, read("config/borela.yml")
    output = run_generator %w[--server https://other.test --force]
    assert_match(%r{force\s+config/borela\.yml}, output)
    assert_equal "https://other.test", agent_config["server"]
  end

  test "bad options are refused with the value" do
    app_with "config/database.yml" => "rails8_database.yml"
    [[%w[--server borela.test], /--server "borela.test" is not an http\(s\) URL/],
     [%w[--replica gs://bucket/shop], %r{--replica "gs://bucket/shop" is not a file:// or s3:// URL}],
     [%w[--replica s3://AKIA:secret@bucket/shop], /holds credentials/],
     [%w[--app-root rails], /--app-root "rails" is not an absolute path/]].each do |args, message|
      error = capture(:stderr) { run_generator args }
      assert_match message, error
      assert_no_file "config/borela.yml"
    end
  end

  test "the next steps name the project and never hold a token" do
    app_with "config/database.yml" => "rails8_database.yml"
    output = run_generator
    assert_includes output, %(curl -X POST "$BORELA_SERVER/api/v1/projects" -H "Authorization: Bearer $BORELA_ADMIN_TOKEN" ) +
                            %(-H 'content-type: application/json' -d '{"name":"agent-config"}')
    assert_match(/kamal accessory boot borela/, output)
    assert_match(/Borela will watch primary, cache, queue, cable/, output)
    refute_match(/bra_[A-Za-z0-9_-]{8,}/, output)
  end
end
