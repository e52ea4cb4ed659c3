require_relative "test_helper"
require "open3"

# The agent itself reads what the generator writes: `borela agent --check-config`
# accepts config/borela.yml, and refuses a relative path naming it.
class AgentCheckConfigTest < BorelaGeneratorTestCase
  destination File.join(TMP_ROOT, "agent-check")

  BORELA = File.expand_path("../../../core/bin/borela.js", __dir__)
  ENV_VARS = { "BORELA_SERVER" => "http://127.0.0.1:9", "BORELA_AGENT_TOKEN" => "bra_test_value_not_a_secret" }.freeze

  def check_config(env = ENV_VARS)
    Open3.capture2e(env, "node", BORELA, "agent", "--check-config", "--config", File.join(destination_root, "config/borela.yml"),
                    chdir: destination_root)
  end

  test "the Rails 8 config is accepted with its four databases, managed by the core" do
    app_with "config/database.yml" => "rails8_database.yml"
    run_generator
    out, status = check_config
    assert status.success?, out
    assert_match(%r{server\s+http://127\.0\.0\.1:9}, out)
    %w[primary production cache production_cache queue production_queue cable production_cable].each_slice(2) do |name, file|
      assert_match(%r{#{name}\s+/rails/storage/#{file}\.sqlite3 → \(replica from the core\)}, out)
    end
    refute_includes out, ENV_VARS["BORELA_AGENT_TOKEN"]
  end

  test "--server and --replica are accepted as written" do
    app_with "config/database.yml" => "single_database.yml"
    run_generator %w[--server http://127.0.0.1:7 --replica file:///var/backups/shop]
    out, status = check_config(ENV_VARS.reject { |k, _| k == "BORELA_SERVER" })
    assert status.success?, out
    assert_match(%r{server\s+http://127\.0\.0\.1:7}, out)
    assert_match(%r{primary\s+/var/lib/app/production\.sqlite3 → file:///var/backups/shop/primary}, out)
  end

  test "the token is a reference: without BORELA_AGENT_TOKEN the agent says so" do
    app_with "config/database.yml" => "rails8_database.yml"
    run_generator
    out, status = check_config(ENV_VARS.reject { |k, _| k == "BORELA_AGENT_TOKEN" })
    refute status.success?, out
    assert_match(/\$\{BORELA_AGENT_TOKEN\}, which is not set/, out)
  end

  test "a relative database path is refused, naming it" do
    app_with "config/database.yml" => "rails8_database.yml"
    run_generator
    path = File.join(destination_root, "config/borela.yml")
    File.write(path, File.read(path).sub("/rails/storage/production_cache.sqlite3", "storage/production_cache.sqlite3"))
    out, status = check_config
    refute status.success?, out
    assert_match(%r{"storage/production_cache\.sqlite3".*not absolute}, out)
  end
end
