require "yaml"
require "borela/rails/yaml_mapping"

module Borela
  module Rails
    # Kamal's config/deploy.yml: what the accessory needs from it (service,
    # the volume holding the databases, the first web host) and the text edit
    # that adds the accessory. The edit inserts lines instead of re-dumping
    # the YAML, so the file's comments and layout survive.
    module Kamal
      Facts = Struct.new(:service, :volumes, :host, :warnings, keyword_init: true)
      ACCESSORIES = /\Aaccessories:[ \t]*(#.*)?\r?\n?\z/
      EMPTY_ACCESSORIES = /\Aaccessories:[ \t]*(\{[ \t]*\}|~|null)[ \t]*(#.*)?\r?\n?\z/
      SECRET = /^[ \t]*(export[ \t]+)?BORELA_AGENT_TOKEN=/

      class Error < StandardError; end

      module_function

      def parse(text, file = "config/deploy.yml")
        YamlMapping.parse(text, file, Error)
      end

      def accessory?(deploy)
        deploy["accessories"].is_a?(Hash) && deploy["accessories"].key?("borela")
      end

      def facts(deploy, databases:, app_root:)
        service = deploy["service"].to_s.empty? ? "app" : deploy["service"].to_s
        warnings = []
        volumes = database_volumes(deploy["volumes"], databases)
        uncovered = databases.reject { |db| volumes.any? { |v| inside?(db.path, volume_target(v)) } }
        if volumes.empty?
          volumes = ["#{service}_storage:#{app_root}/storage"]
          warnings << "no volume in config/deploy.yml holds #{databases.map(&:path).join(', ')}; " \
                      "the accessory mounts #{volumes.first}, check it is the app's"
        elsif uncovered.any?
          warnings << "no volume in config/deploy.yml holds #{uncovered.map(&:path).join(', ')}: " \
                      "the agent cannot see it unless you add one"
        end
        host = first_web_host(deploy["servers"])
        warnings << "config/deploy.yml names no web host; set host: in the borela accessory" unless host
        Facts.new(service: service, volumes: volumes, host: host || "<your web host>", warnings: warnings)
      end

      # The app's volumes ("source:target[:options]") that hold a database, without options.
      def database_volumes(volumes, databases)
        Array(volumes).map(&:to_s).filter_map do |volume|
          source, target = volume.split(":", 3)
          "#{source}:#{target}" if target && databases.any? { |db| inside?(db.path, target) }
        end
      end

      def volume_target(volume)
        volume.split(":", 3)[1]
      end

      def inside?(path, dir)
        path.start_with?("#{dir.chomp('/')}/")
      end

      # servers: [ip] | {web: [ip]} | {web: {hosts: [ip | {ip => tags}]}}
      def first_web_host(servers)
        role = servers.is_a?(Hash) ? (servers["web"] || servers.values.first) : servers
        hosts = role.is_a?(Hash) ? role["hosts"] : role
        first = Array(hosts).first
        first = first.keys.first if first.is_a?(Hash)
        first.to_s.empty? ? nil : first.to_s
      end

      # deploy.yml's text with `block` (an accessory, "borela:" at column 0) under accessories:.
      def insert_accessory(text, block)
        lines = text.lines
        lines.map! { |l| l.match?(EMPTY_ACCESSORIES) ? "accessories:\n" : l }
        index = lines.index { |l| l.match?(ACCESSORIES) }
        if index
          lines[index] = "#{lines[index].chomp}\n"
          lines.insert(index + 1, indent(block, child_indent(lines, index)))
          return lines.join
        end
        if parse(text).key?("accessories")
          raise Error, "accessories: in config/deploy.yml is not a block mapping (#{parse(text)['accessories'].inspect}); " \
                       "add the borela accessory by hand"
        end
        body = lines.join
        body += "\n" unless body.empty? || body.end_with?("\n")
        "#{body}\naccessories:\n#{indent(block, '  ')}"
      end

      # The indentation of the first indented line after accessories:, or two spaces.
      def child_indent(lines, index)
        following = lines[(index + 1)..].find { |l| !l.strip.empty? }
        following && following[/\A +/] || "  "
      end

      # Indents a block written with two-space steps under `prefix`, with the file's step (prefix's width).
      def indent(block, prefix)
        block.lines.map do |line|
          next line if line.strip.empty?

          depth = line[/\A */].size / 2
          "#{prefix}#{' ' * (depth * prefix.size)}#{line.lstrip}"
        end.join
      end

      # Proves an edit only added accessories.borela: everything else reads the same.
      def verify_insert!(before_text, after_text, block)
        before = parse(before_text)
        after = parse(after_text)
        expected = YAML.safe_load(block)["borela"]
        before_accessories = before["accessories"].is_a?(Hash) ? before["accessories"] : {}
        ok = after.reject { |k, _| k == "accessories" } == before.reject { |k, _| k == "accessories" } &&
             after["accessories"].is_a?(Hash) &&
             after["accessories"].reject { |k, _| k == "borela" } == before_accessories &&
             after["accessories"]["borela"] == expected
        raise Error, "adding the accessory would change config/deploy.yml beyond accessories.borela; add it by hand" unless ok
      end

      # .kamal/secrets with BORELA_AGENT_TOKEN taken from the environment, or nil when it has it.
      def secrets_with_token(text)
        return nil if text.match?(SECRET)

        body = text.empty? || text.end_with?("\n") ? text : "#{text}\n"
        "#{body}BORELA_AGENT_TOKEN=$BORELA_AGENT_TOKEN\n"
      end
    end
  end
end
