require "yaml"

module Borela
  module Rails
    # Adds a `borela` accessory to config/deploy.yml by inserting text, so the
    # file's comments and layout survive.
    module Kamal
      module_function

      def accessory?(deploy_text)
        accessories = (YAML.safe_load(deploy_text, aliases: true) || {})["accessories"]
        accessories.is_a?(Hash) && accessories.key?("borela")
      end

      # The app's storage volume ("<service>_storage:/rails/storage" in Rails 8) and its first web host.
      def app_facts(deploy_text, app_root: "/rails")
        deploy = YAML.safe_load(deploy_text, aliases: true) || {}
        volumes = Array(deploy["volumes"])
        volume = volumes.find { |v| v.to_s.split(":", 2)[1].to_s.start_with?(app_root) } || volumes.first ||
                 "#{deploy['service'] || 'app'}_storage:#{app_root}/storage"
        servers = deploy["servers"]
        web = servers.is_a?(Hash) ? (servers["web"] || servers.values.first) : servers
        hosts = web.is_a?(Hash) ? Array(web["hosts"]) : Array(web)
        { volume: volume.to_s, host: hosts.first.to_s.empty? ? "<your web host>" : hosts.first.to_s }
      end

      def accessory_block(volume:, host:, server:, image:, config_path:)
        <<~YAML
          borela:
            image: #{image}
            host: #{host}
            cmd: agent
            env:
              clear:
                BORELA_SERVER: #{server}
                BORELA_CONFIG: #{config_path}
              secret:
                - BORELA_AGENT_TOKEN
            volumes:
              - #{volume}
            files:
              - config/borela.yml:#{config_path}
            options:
              user: "1000:1000"
        YAML
      end

      def add_accessory(deploy_text, block)
        indented = block.lines.map { |l| l.strip.empty? ? l : "  #{l}" }.join
        lines = deploy_text.lines
        index = lines.index { |l| l =~ /\Aaccessories:\s*(#.*)?\z/ }
        if index
          lines.insert(index + 1, indented)
          lines.join
        else
          text = deploy_text.end_with?("\n") ? deploy_text : "#{deploy_text}\n"
          "#{text}\n# Borela: verified SQLite backups (bin/rails g borela)\naccessories:\n#{indented}"
        end
      end
    end
  end
end
