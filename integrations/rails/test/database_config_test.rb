require_relative "test_helper"

# Which database.yml entries are SQLite databases, and where their files are in the container.
class DatabaseConfigTest < Minitest::Test
  DC = Borela::Rails::DatabaseConfig

  def databases(yaml, **options)
    file = File.join(TMP_ROOT, "database-#{name}.yml")
    File.write(file, yaml)
    DC.sqlite_databases(file, **options).map { |db| [db.name, db.path] }
  end

  def test_url_entries_with_the_sqlite3_scheme
    yaml = "production:\n  primary:\n    url: sqlite3:storage/app.sqlite3\n  " \
           "archive:\n    url: sqlite3:///var/lib/archive.sqlite3\n  " \
           "analytics:\n    url: postgres://db.test/analytics\n"
    assert_equal [%w[primary /rails/storage/app.sqlite3], %w[archive /var/lib/archive.sqlite3]], databases(yaml)
  end

  def test_memory_databases_and_other_environments_are_left_out
    yaml = "development:\n  adapter: sqlite3\n  database: storage/dev.sqlite3\n" \
           "production:\n  primary:\n    adapter: sqlite3\n    database: ':memory:'\n  " \
           "jobs:\n    adapter: sqlite3\n    database: file:storage/jobs.sqlite3?mode=rwc\n"
    assert_equal [%w[jobs /rails/storage/jobs.sqlite3]], databases(yaml)
  end

  def test_paths_are_cleaned_and_names_made_acceptable_to_the_agent
    yaml = "production:\n  \"my cache!\":\n    adapter: sqlite3\n    database: ./storage/../db/cache.sqlite3\n"
    assert_equal [["my-cache-", "/rails/db/cache.sqlite3"]], databases(yaml)
  end

  def test_another_environment_on_request
    yaml = File.read(File.join(FIXTURES, "rails8_database.yml"))
    assert_equal [%w[primary /app/storage/development.sqlite3]], databases(yaml, environment: "development", app_root: "/app")
  end

  def test_invalid_yaml_names_the_file
    error = assert_raises(DC::Error) { databases("production: [\n") }
    assert_match(/database-test_invalid_yaml_names_the_file\.yml is not valid YAML/, error.message)
  end
end
