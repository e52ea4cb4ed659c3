require "rails/generators"
require "borela/rails"

# bin/rails g borela [--server URL] [--replica URL] [--skip-kamal]
#
# Finds the production SQLite databases in config/database.yml, writes
# config/borela.yml for the Borela agent, adds a Borela accessory to Kamal's
# config/deploy.yml, prints a compose snippet when the app has a compose file,
# and prints the next steps. Re-running changes nothing that is already right.
class BorelaGenerator < Rails::Generators::Base
  CONFIG = "config/borela.yml".freeze
  COMPOSE_FILES = %w[compose.yaml compose.yml docker-compose.yml docker-compose.yaml].freeze

  source_root File.expand_path("templates", __dir__)

  class_option :server, type: :string, desc: "The Borela core's URL (default: ${BORELA_SERVER} from the environment)"
  class_option :replica, type: :string, desc: "Bring-your-own replica URL; each database gets <URL>/<name> (default: managed by the core)"
  class_option :skip_kamal, type: :boolean, default: false, desc: "Do not add the Kamal accessory"
  class_option :app_root, type: :string, default: "/rails", desc: "Where the app lives inside its container"
  class_option :image, type: :string, default: "borela/borela:latest", desc: "The Borela image for the sidecar"

  def find_databases
    @databases = Borela::Rails::DatabaseConfig.sqlite_databases(
      File.join(destination_root, "config/database.yml"), app_root: options[:app_root]
    )
    return unless @databases.empty?

    say_status :skip, "no SQLite database for production in config/database.yml: Borela watches SQLite backups, nothing written", :red
  end

  def write_agent_config
    return if @databases.empty?

    content = Borela::Rails::AgentConfig.render(@databases, server: options[:server], replica: options[:replica])
    path = File.join(destination_root, CONFIG)
    if !File.exist?(path)
      create_file CONFIG, content
    elsif File.read(path) == content
      say_status :identical, CONFIG, :blue
    else
      say_status :skip, "#{CONFIG} exists with other settings; remove it to regenerate", :yellow
    end
  end

  def add_kamal_accessory
    return if @databases.empty? || options[:skip_kamal]

    deploy_path = File.join(destination_root, "config/deploy.yml")
    return unless File.exist?(deploy_path)

    text = File.read(deploy_path)
    if Borela::Rails::Kamal.accessory?(text)
      say_status :identical, "config/deploy.yml (borela accessory)", :blue
    else
      facts = Borela::Rails::Kamal.app_facts(text, app_root: options[:app_root])
      block = Borela::Rails::Kamal.accessory_block(
        volume: facts[:volume], host: facts[:host], server: options[:server] || "https://borela.example.com",
        image: options[:image], config_path: "#{options[:app_root]}/config/borela.yml"
      )
      File.write(deploy_path, Borela::Rails::Kamal.add_accessory(text, block))
      say_status :insert, "config/deploy.yml (borela accessory)", :green
    end
    add_kamal_secret
  end

  def print_compose_snippet
    return if @databases.empty?

    compose = COMPOSE_FILES.find { |f| File.exist?(File.join(destination_root, f)) }
    return unless compose

    mount = "#{options[:app_root]}/storage"
    say "\nAdd this service beside your app in #{compose} (same volume, same path):\n\n"
    say <<~YAML
      borela:
        image: #{options[:image]}
        command: agent
        restart: unless-stopped
        user: "1000:1000"
        environment:
          BORELA_SERVER: #{options[:server] || '${BORELA_SERVER}'}
          BORELA_AGENT_TOKEN: ${BORELA_AGENT_TOKEN}
          BORELA_CONFIG: #{options[:app_root]}/config/borela.yml
        volumes:
          - storage:#{mount}
          - ./config/borela.yml:#{options[:app_root]}/config/borela.yml:ro
    YAML
  end

  def print_next_steps
    return if @databases.empty?

    app = File.basename(destination_root)
    say <<~TEXT

      Borela watches #{@databases.map(&:name).join(', ')}. Next:
        1. Create the project and keep its agent token:
           curl -X POST "$BORELA_SERVER/api/v1/projects" -H "Authorization: Bearer $BORELA_ADMIN_TOKEN" -H 'content-type: application/json' -d '{"name":"#{app}"}'
        2. Set the secret BORELA_AGENT_TOKEN (Kamal: .kamal/secrets; compose: the environment).
        3. Start the sidecar: kamal accessory boot borela (or docker compose up -d borela).
    TEXT
  end

  private

  def add_kamal_secret
    secrets = File.join(destination_root, ".kamal/secrets")
    return unless File.exist?(secrets)
    return if File.read(secrets).match?(/^BORELA_AGENT_TOKEN=/)

    append_to_file ".kamal/secrets", "BORELA_AGENT_TOKEN=$BORELA_AGENT_TOKEN\n"
  end
end
