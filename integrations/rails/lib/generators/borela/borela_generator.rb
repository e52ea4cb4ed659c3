require "erb"
require "json"
require "rails/generators"
require "borela/rails"

# bin/rails g borela [--server URL] [--replica URL] [--skip-kamal] [--app-root DIR] [--image IMAGE]
#
# Finds the production SQLite databases in config/database.yml, writes
# config/borela.yml for the Borela agent, adds a `borela` accessory to
# Kamal's config/deploy.yml (and the token to .kamal/secrets), prints a
# compose service when the app has a compose file, then the next steps.
# Re-running changes nothing that is already right.
class BorelaGenerator < Rails::Generators::Base
  CONFIG = "config/borela.yml".freeze
  DEPLOY = "config/deploy.yml".freeze
  SECRETS = ".kamal/secrets".freeze
  PLACEHOLDER_SERVER = "https://borela.example.com".freeze

  source_root File.expand_path("templates", __dir__)

  class_option :server, type: :string, desc: "The Borela core's URL (default: ${BORELA_SERVER}, read by the agent from its environment)"
  class_option :replica, type: :string, desc: "Bring-your-own replica URL (s3:// or file://); each database gets <URL>/<name>. Default: storage managed by the Borela core"
  class_option :skip_kamal, type: :boolean, default: false, desc: "Leave config/deploy.yml and .kamal/secrets alone"
  class_option :app_root, type: :string, default: "/rails", desc: "Where the app lives inside its container (Rails 8 images: /rails)"
  class_option :image, type: :string, default: "borela/borela:latest", desc: "The Borela image the sidecar runs"

  def check_options
    server = options[:server]
    if server && !server.match?(%r{\Ahttps?://[^/\s]+}i)
      raise Thor::Error, "--server #{server.inspect} is not an http(s) URL such as https://borela.example.com"
    end
    unless options[:app_root].start_with?("/")
      raise Thor::Error, "--app-root #{options[:app_root].inspect} is not an absolute path such as /rails"
    end
    Borela::Rails::ReplicaUrl.validate!(options[:replica]) if options[:replica]
  rescue ArgumentError => e
    raise Thor::Error, e.message
  end

  def find_databases
    @databases = Borela::Rails::DatabaseConfig.sqlite_databases(
      File.join(destination_root, "config/database.yml"), app_root: options[:app_root]
    )
    return if databases?

    say_status :skip, "config/database.yml has no SQLite database for production; Borela watches SQLite backups, so nothing was written", :red
  rescue Borela::Rails::DatabaseConfig::Error => e
    @databases = []
    say_status :error, "cannot read the databases: #{e.message}; nothing was written", :red
  end

  def write_agent_config
    template "borela.yml.tt", CONFIG if databases?
  end

  def add_kamal_accessory
    return unless databases? && kamal?

    deploy_text = File.read(File.join(destination_root, DEPLOY))
    deploy = Borela::Rails::Kamal.parse(deploy_text)
    if Borela::Rails::Kamal.accessory?(deploy)
      say_status :identical, "#{DEPLOY} (borela accessory is there)", :blue
      return
    end

    @kamal_facts = Borela::Rails::Kamal.facts(deploy, databases: databases, app_root: options[:app_root])
    kamal_facts.warnings.each { |warning| say_status :warning, warning, :yellow }
    block = render("kamal_accessory.yml.tt")
    updated = Borela::Rails::Kamal.insert_accessory(deploy_text, block)
    Borela::Rails::Kamal.verify_insert!(deploy_text, updated, block)
    say_status :insert, "#{DEPLOY} (borela accessory)", :green
    File.write(File.join(destination_root, DEPLOY), updated) unless options[:pretend]
  rescue Borela::Rails::Kamal::Error => e
    say_status :error, "#{e.message}; #{DEPLOY} was left as it was", :red
    say "The accessory to add under accessories:\n#{block}" if block
  end

  def add_kamal_secret
    return unless databases? && kamal?

    path = File.join(destination_root, SECRETS)
    return unless File.file?(path)

    updated = Borela::Rails::Kamal.secrets_with_token(File.read(path))
    if updated.nil?
      say_status :identical, "#{SECRETS} (BORELA_AGENT_TOKEN)", :blue
    else
      say_status :append, "#{SECRETS} (BORELA_AGENT_TOKEN=$BORELA_AGENT_TOKEN)", :green
      File.write(path, updated) unless options[:pretend]
    end
  end

  def print_compose_service
    return unless databases? && compose_file

    beside = compose_mount.service ? "beside #{compose_mount.service} (it mounts #{compose_mount.source} at #{compose_mount.target}, as that service does)" :
               "beside your app (no service in #{compose_file} mounts the databases' folder: set the volume to the app's)"
    say "\nAdd this service to #{compose_file} #{beside}:\n\n"
    say render("compose_service.yml.tt")
  end

  def print_next_steps
    say render("next_steps.tt") if databases?
  end

  private

  attr_reader :databases, :kamal_facts

  def databases?
    !databases.nil? && !databases.empty?
  end

  def kamal?
    !options[:skip_kamal] && File.file?(File.join(destination_root, DEPLOY))
  end

  def render(name)
    ERB.new(File.read(File.join(self.class.source_root, name)), trim_mode: "-").result(binding)
  end

  def yaml(value)
    Borela::Rails::YamlScalar.dump(value)
  end

  def server_setting
    options[:server] || "${BORELA_SERVER}"
  end

  def replica_for(database)
    Borela::Rails::ReplicaUrl.join(options[:replica], database.name)
  end

  def config_in_container
    File.join(options[:app_root], CONFIG)
  end

  def compose_file
    @compose_file ||= Borela::Rails::Compose.find(destination_root)
  end

  # The app's mount holding the databases, or Rails 8's storage folder when none is found.
  def compose_mount
    @compose_mount ||= Borela::Rails::Compose.database_mount(File.read(File.join(destination_root, compose_file)), databases) ||
                       Borela::Rails::Compose::Mount.new(source: "storage", target: File.join(options[:app_root], "storage"))
  end

  def project_json
    JSON.generate(name: project_name).gsub("'", "'\\\\''")
  end

  # Kamal's service name when there is one, else the app's folder name.
  def project_name
    deploy = File.join(destination_root, DEPLOY)
    service = Borela::Rails::Kamal.parse(File.read(deploy))["service"] if File.file?(deploy)
    service.to_s.empty? ? File.basename(destination_root) : service.to_s
  rescue Borela::Rails::Kamal::Error
    File.basename(destination_root)
  end
end
