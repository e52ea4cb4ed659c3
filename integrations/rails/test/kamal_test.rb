require_relative "test_helper"

# The text edit of config/deploy.yml and what is read from it, on small inputs.
class KamalTest < Minitest::Test
  K = Borela::Rails::Kamal
  BLOCK = "borela:\n  image: borela/borela:latest\n  env:\n    secret:\n      - BORELA_AGENT_TOKEN\n".freeze

  def test_appends_accessories_to_a_file_without_a_final_newline
    text = "service: shop\n# the end"
    updated = K.insert_accessory(text, BLOCK)
    assert updated.start_with?("service: shop\n# the end\n")
    assert_equal({ "image" => "borela/borela:latest", "env" => { "secret" => ["BORELA_AGENT_TOKEN"] } },
                 YAML.safe_load(updated)["accessories"]["borela"])
    K.verify_insert!(text, updated, BLOCK)
  end

  def test_fills_an_empty_accessories_key
    updated = K.insert_accessory("service: shop\naccessories: {}\nbuilder:\n  arch: amd64\n", BLOCK)
    assert_equal %w[borela], YAML.safe_load(updated)["accessories"].keys
    assert_equal({ "arch" => "amd64" }, YAML.safe_load(updated)["builder"])
  end

  def test_refuses_a_flow_mapping_it_cannot_edit_as_text
    error = assert_raises(K::Error) { K.insert_accessory("accessories: {redis: {image: valkey}}\n", BLOCK) }
    assert_match(/not a block mapping .*redis/, error.message)
  end

  def test_verify_catches_an_edit_that_changed_something_else
    before = "service: shop\naccessories:\n  redis:\n    image: valkey\n"
    wrong = "service: shop\naccessories:\n  borela:\n    image: borela/borela:latest\n    env:\n      secret:\n" \
            "        - BORELA_AGENT_TOKEN\n  redis:\n  image: valkey\n"
    assert_raises(K::Error) { K.verify_insert!(before, wrong, BLOCK) }
  end

  def test_first_web_host_in_each_servers_form
    assert_equal "192.0.2.1", K.first_web_host(["192.0.2.1", "192.0.2.2"])
    assert_equal "192.0.2.1", K.first_web_host({ "web" => ["192.0.2.1"] })
    assert_equal "192.0.2.1", K.first_web_host({ "web" => { "hosts" => [{ "192.0.2.1" => "primary" }] } })
    assert_equal "192.0.2.5", K.first_web_host({ "job" => { "hosts" => ["192.0.2.5"] } })
    assert_nil K.first_web_host(nil)
  end

  def test_facts_warn_when_no_volume_holds_the_databases
    db = Borela::Rails::DatabaseConfig::Database.new(name: "primary", path: "/var/lib/app.sqlite3")
    facts = K.facts({ "service" => "shop", "volumes" => ["shop_storage:/rails/storage"] }, databases: [db], app_root: "/rails")
    assert_equal ["shop_storage:/rails/storage"], facts.volumes
    assert_match(%r{no volume in config/deploy\.yml holds /var/lib/app\.sqlite3}, facts.warnings.join)
    assert_match(/names no web host/, facts.warnings.join)
    assert_equal "<your web host>", facts.host
  end

  def test_secrets_gain_the_token_once
    assert_equal "A=1\nBORELA_AGENT_TOKEN=$BORELA_AGENT_TOKEN\n", K.secrets_with_token("A=1")
    assert_equal "# BORELA_AGENT_TOKEN=x\nBORELA_AGENT_TOKEN=$BORELA_AGENT_TOKEN\n", K.secrets_with_token("# BORELA_AGENT_TOKEN=x\n")
    assert_nil K.secrets_with_token("BORELA_AGENT_TOKEN=$(op read op://vault/borela/token)\n")
  end
end
