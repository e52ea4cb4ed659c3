require "json"
require "yaml"

module Borela
  module Rails
    # Writes a string into hand-written YAML: plain when YAML reads it back
    # unchanged, double-quoted (JSON is valid YAML) when it would not, e.g.
    # "1000", "yes", "a: b" or "x # y".
    module YamlScalar
      module_function

      def dump(value)
        text = value.to_s
        plain = text.match?(/\A[^\n"']*\z/) && YAML.safe_load("k: #{text}") == { "k" => text }
        plain ? text : JSON.generate(text)
      rescue Psych::Exception
        JSON.generate(text)
      end
    end
  end
end
