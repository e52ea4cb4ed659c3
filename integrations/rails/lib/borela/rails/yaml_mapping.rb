require "yaml"

module Borela
  module Rails
    # Reads a YAML file the generator edits around (config/database.yml,
    # config/deploy.yml) that must be a mapping: the Hash, or the caller's
    # error class naming the file (not YAML, or not a mapping).
    module YamlMapping
      module_function

      def parse(text, file, error)
        config = YAML.safe_load(text, aliases: true) || {}
        raise error, "#{file} is not a YAML mapping (found #{config.class})" unless config.is_a?(Hash)

        config
      rescue Psych::Exception => e
        raise error, "#{file} is not valid YAML: #{e.message}"
      end
    end
  end
end
