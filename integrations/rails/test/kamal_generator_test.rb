require_relative "test_helper"

# The Kamal side of `bin/rails g borela`: the accessory in config/deploy.yml and the secret.
class KamalGeneratorTest < BorelaGeneratorTestCase
  destination File.join(TMP_ROOT, "kamal")

  def rails8_app
    app_with "config/database.yml" => "rails8_database.yml", "config/deploy.yml" => "rails8_deploy.yml",
             ".kamal/secrets" => "kamal_secrets"
  end

  def accessories
    YAML.safe_load(read("config/deploy.yml"))["accessories"]
  end

  test "Rails 8 deploy.yml: the accessory shares the app's storage volume and runs on its first web host" do
    rails8_app
    output = run_generator %w[--server https://borela.test]
    assert_match(%r{insert\s+config/deploy\.yml \(borela accessory\)}, output)
    assert_equal({
      "image" => "borela/borela:latest",
      "host" => "192.0.2.10",
      "cmd" => "agent",
      "env" => { "clear" => { "BORELA_SERVER" => "https://borela.test", "BORELA_CONFIG" => "/rails/config/borela.yml" },
                 "secret" => ["BORELA_AGENT_TOKEN"] },
      "volumes" => ["shop_storage:/rails/storage"],
      "files" => ["config/borela.yml:/rails/config/borela.yml"],
      "options" => { "user" => "1000" }
    }, accessories["borela"])
  end

  test "the edit only adds text: every line of the original file is still there, in order" do
    rails8_app
    run_generator
    original = fixture("rails8_deploy.yml")
    updated = read("config/deploy.yml")
    assert updated.start_with?(original), "the original text (comments included) must come first, unchanged"
    assert_match(/^# accessories:\n#   redis:\n#     image: valkey\/valkey:9$/, updated)
    assert_equal YAML.safe_load(original).keys + ["accessories"], YAML.safe_load(updated).keys
  end

  test "without --server the accessory gets the placeholder server and the image from --image" do
    rails8_app
    run_generator %w[--image registry.test/borela:1.2]
    borela = accessories["borela"]
    assert_equal "https://borela.example.com", borela["env"]["clear"]["BORELA_SERVER"]
    assert_equal "registry.test/borela:1.2", borela["image"]
  end

  test "existing accessories: kept, the new one follows their indentation, the volume holding the databases is chosen" do
    app_with "config/database.yml" => "rails8_database.yml", "config/deploy.yml" => "deploy_with_accessories.yml"
    run_generator
    updated = read("config/deploy.yml")
    assert_match(/^accessories:  # shared services\n    # Borela agent.*\n    borela:\n        image: borela\/borela:latest$/, updated)
    assert_match(/^    # Search runs beside the app\.$/, updated)
    assert_match(/^# End of file, no newline after this comment\z/, updated)
    original = YAML.safe_load(fixture("deploy_with_accessories.yml"))["accessories"]
    assert_equal original, accessories.reject { |name, _| name == "borela" }
    assert_equal "192.0.2.30", accessories["borela"]["host"]
    assert_equal ["ledger_data:/rails/storage"], accessories["borela"]["volumes"]
  end

  test "the secret is added once to .kamal/secrets, after what was there" do
    rails8_app
    output = run_generator
    assert_match(%r{append\s+\.kamal/secrets}, output)
    assert_equal "#{fixture('kamal_secrets')}BORELA_AGENT_TOKEN=$BORELA_AGENT_TOKEN\n", read(".kamal/secrets")
  end

  test "re-running changes nothing: accessory, secret and config are already right" do
    rails8_app
    run_generator %w[--server https://borela.test]
    before = snapshot
    output = run_generator %w[--server https://borela.test]
    assert_equal before, snapshot
    assert_match(%r{identical\s+config/borela\.yml}, output)
    assert_match(%r{identical\s+config/deploy\.yml \(borela accessory is there\)}, output)
    assert_match(%r{identical\s+\.kamal/secrets}, output)
    assert_equal 1, read("config/deploy.yml").scan(/^  borela:$/).size
  end

  test "--skip-kamal leaves deploy.yml and the secrets alone" do
    rails8_app
    run_generator %w[--skip-kamal]
    assert_equal fixture("rails8_deploy.yml"), read("config/deploy.yml")
    assert_equal fixture("kamal_secrets"), read(".kamal/secrets")
    assert_file "config/borela.yml"
  end

  test "a deploy.yml that is not YAML is left as it was, with the reason" do
    app_with "config/database.yml" => "rails8_database.yml"
    File.write(File.join(destination_root, "config/deploy.yml"), "service: [shop\n")
    output = run_generator
    assert_match(%r{config/deploy\.yml is not valid YAML.*left as it was}, output)
    assert_equal "service: [shop\n", read("config/deploy.yml")
  end
end
