require "erb"
require "yaml"

module Borela
  module Rails
    # Reads config/database.yml (ERB, YAML anchors) and finds the SQLite
    # databases of one environment, as paths inside the app's container.
    module DatabaseConfig
      Database = Struct.new(:name, :path, keyword_init: true)

      module_function

      def sqlite_databases(file, environment: "production", app_root: "/rails")
        config = load(file)
        env = config[environment]
        return [] unless env.is_a?(Hash)

        entries = single?(env) ? { "primary" => env } : env.select { |_, v| v.is_a?(Hash) }
        entries.filter_map do |name, settings|
          next unless sqlite?(settings) && settings["database"].is_a?(String)
          next if settings["database"] == ":memory:"

          Database.new(name: name, path: container_path(settings["database"], app_root))
        end
      end

      def load(file)
        text = ERB.new(File.read(file)).result
        YAML.safe_load(text, aliases: true) || {}
      end

      def single?(env)
        env.key?("adapter") || env.key?("database")
      end

      def sqlite?(settings)
        settings["adapter"].to_s.start_with?("sqlite")
      end

      def container_path(path, app_root)
        path = path.delete_prefix("file:")
        path.start_with?("/") ? path : File.join(app_root, path)
      end
    end
  end
end
