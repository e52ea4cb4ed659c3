require_relative "test_helper"

# The compose service `bin/rails g borela` prints when the app has a compose file.
class ComposeGeneratorTest < BorelaGeneratorTestCase
  destination File.join(TMP_ROOT, "compose")

  # The YAML document printed after "Add this service", up to the next steps.
  def printed_service(output)
    snippet = output[/^services:\n.*?(?=\n\S|\n\n|\z)/m]
    assert snippet, "no compose service in:\n#{output}"
    YAML.safe_load(snippet)["services"]["borela"]
  end

  test "the service shares the app's volume at the same path and takes the token from the environment" do
    app_with "config/database.yml" => "rails8_database.yml", "compose.yaml" => "compose.yaml"
    output = run_generator
    assert_match(/Add this service to compose\.yaml beside web \(it mounts shop_storage at \/rails\/storage/, output)
    assert_equal({
      "image" => "borela/borela:latest",
      "command" => "agent",
      "restart" => "unless-stopped",
      "user" => "1000",
      "environment" => ["BORELA_SERVER=${BORELA_SERVER}", "BORELA_AGENT_TOKEN=${BORELA_AGENT_TOKEN}",
                        "BORELA_CONFIG=/rails/config/borela.yml"],
      "volumes" => ["shop_storage:/rails/storage", "./config/borela.yml:/rails/config/borela.yml:ro"],
      "depends_on" => ["web"]
    }, printed_service(output))
    assert_match(/docker compose up -d borela/, output)
  end

  test "pasted into the app's compose file, the service names a volume the file declares" do
    app_with "config/database.yml" => "rails8_database.yml", "docker-compose.yml" => "compose.yaml"
    output = run_generator %w[--server https://borela.test]
    compose = YAML.safe_load(fixture("compose.yaml"))
    service = printed_service(output)
    compose["services"]["borela"] = service
    volume = service["volumes"].first.split(":").first
    assert compose["volumes"].key?(volume), "#{volume} is not among #{compose['volumes'].keys}"
    assert_includes service["environment"], "BORELA_SERVER=https://borela.test"
    assert_match(/docker-compose\.yml/, output)
  end

  test "no service mounts the databases: Rails 8's storage path, and the message says to check it" do
    app_with "config/database.yml" => "rails8_database.yml"
    File.write(File.join(destination_root, "compose.yml"), "services:\n  web:\n    image: shop\n")
    output = run_generator
    assert_match(/no service in compose\.yml mounts the databases' folder/, output)
    assert_equal ["storage:/rails/storage", "./config/borela.yml:/rails/config/borela.yml:ro"], printed_service(output)["volumes"]
    refute printed_service(output).key?("depends_on")
  end

  test "no compose file, no compose service" do
    app_with "config/database.yml" => "rails8_database.yml"
    refute_match(/services:/, run_generator)
  end
end
