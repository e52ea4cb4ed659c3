require "erb"
require "pathname"
require "borela/rails/yaml_mapping"

module Borela
  module Rails
    # Reads config/database.yml (ERB, YAML anchors) and finds the SQLite
    # databases of one environment, with their paths inside the app's container.
    module DatabaseConfig
      Database = Struct.new(:name, :path, keyword_init: true)
      # The names the agent accepts; other characters become "-".
      NAME = /\A[A-Za-z0-9][A-Za-z0-9._-]{0,99}\z/

      class Error < StandardError; end

      module_function

      def sqlite_databases(file, environment: "production", app_root: "/rails")
        env = load(file)[environment]
        return [] unless env.is_a?(Hash)

        found = entries(env).filter_map do |name, settings|
          path = sqlite_path(settings)
          Database.new(name: agent_name(name), path: container_path(path, app_root)) if path
        end
        found.uniq(&:path)
      end

      def load(file)
        raise Error, "#{file} does not exist" unless File.exist?(file)

        YamlMapping.parse(ERB.new(File.read(file), trim_mode: "-").result, file, Error)
      end

      # One database ("adapter:" at the top) or several, Rails 6+ three-tier style.
      def entries(env)
        return { "primary" => env } if env.key?("adapter") || env.key?("database") || env.key?("url")

        env.select { |_, settings| settings.is_a?(Hash) }
      end

      # The database file of a SQLite entry, or nil. Read replicas point at a
      # file listed already, and in-memory databases have none.
      def sqlite_path(settings)
        return nil if settings["replica"] == true

        url = settings["url"].to_s
        path = if url.start_with?("sqlite3:")
                 url.delete_prefix("sqlite3:").sub(%r{\A//(?=/)}, "")
               elsif settings["adapter"].to_s.start_with?("sqlite")
                 settings["database"]
               end
        return nil unless path.is_a?(String)

        path = path.delete_prefix("file:").split("?", 2).first
        path.empty? || path == ":memory:" ? nil : path
      end

      def container_path(path, app_root)
        Pathname.new(app_root).join(path).cleanpath.to_s
      end

      def agent_name(name)
        name = name.to_s.gsub(/[^A-Za-z0-9._-]/, "-").sub(/\A[^A-Za-z0-9]+/, "")[0, 100]
        name.match?(NAME) ? name : "db"
      end
    end
  end
end
