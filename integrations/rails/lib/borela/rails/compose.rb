require "yaml"

module Borela
  module Rails
    # The app's compose file: which one it is, and which service's volume
    # holds the databases, so the printed sidecar mounts the same volume at
    # the same path.
    module Compose
      FILES = %w[compose.yaml compose.yml docker-compose.yml docker-compose.yaml].freeze
      Mount = Struct.new(:service, :source, :target, keyword_init: true)

      module_function

      def find(root)
        FILES.find { |name| File.file?(File.join(root, name)) }
      end

      # The mount holding the most databases (the longest target on a tie), or nil.
      def database_mount(text, databases)
        services = (YAML.safe_load(text, aliases: true) || {})["services"]
        return nil unless services.is_a?(Hash)

        mounts = services.flat_map do |service, spec|
          volumes = spec.is_a?(Hash) ? Array(spec["volumes"]) : []
          volumes.filter_map { |volume| mount(service, volume) }
        end
        scored = mounts.map { |m| [databases.count { |db| db.path.start_with?("#{m.target.chomp('/')}/") }, m.target.length, m] }
        best = scored.select { |count, _, _| count.positive? }.max_by { |count, length, _| [count, length] }
        best&.last
      rescue Psych::Exception
        nil
      end

      # Short ("source:target[:mode]") or long ({source:, target:}) syntax.
      def mount(service, volume)
        if volume.is_a?(Hash)
          return nil unless volume["source"] && volume["target"]

          Mount.new(service: service, source: volume["source"].to_s, target: volume["target"].to_s)
        else
          source, target = volume.to_s.split(":", 3)
          target ? Mount.new(service: service, source: source, target: target) : nil
        end
      end
    end
  end
end
