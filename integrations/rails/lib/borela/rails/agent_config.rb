module Borela
  module Rails
    # config/borela.yml: the agent's YAML format. The token is always a
    # reference to ${BORELA_AGENT_TOKEN}, never a value.
    module AgentConfig
      module_function

      def render(databases, server: nil, replica: nil, interval: 30)
        lines = [
          "# config/borela.yml — read by `borela agent --config <file>`; ${VAR} is expanded from the environment.",
          "server: #{server || '${BORELA_SERVER}'}",
          "token: ${BORELA_AGENT_TOKEN}",
          "heartbeatIntervalSeconds: #{interval}",
          "databases:"
        ]
        databases.each do |db|
          lines << "  - name: #{db.name}"
          lines << "    path: #{db.path}"
          lines << "    replica: #{replica.chomp('/')}/#{db.name}" if replica
        end
        lines.join("\n") + "\n"
      end
    end
  end
end
