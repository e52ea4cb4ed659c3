module Borela
  module Rails
    # The --replica URL (bring-your-own storage): file:///dir or s3://bucket/path[?query],
    # the forms the agent reads. Each database gets <URL>/<name>, query kept.
    module ReplicaUrl
      SCHEMES = %w[file s3].freeze

      module_function

      def validate!(url)
        scheme = url[%r{\A([a-z0-9+.-]+)://}i, 1]
        unless scheme && SCHEMES.include?(scheme.downcase)
          raise ArgumentError, "--replica #{url.inspect} is not a file:// or s3:// URL"
        end
        if url.match?(%r{\A[a-z0-9+.-]+://[^/?#]*@}i)
          raise ArgumentError, "--replica #{url.inspect} holds credentials: config/borela.yml is committed, " \
                               "so give the agent LITESTREAM_ACCESS_KEY_ID and LITESTREAM_SECRET_ACCESS_KEY in its environment instead"
        end
        url
      end

      def join(url, name)
        base, query = url.split("?", 2)
        joined = "#{base.sub(%r{/+\z}, '')}/#{name}"
        query ? "#{joined}?#{query}" : joined
      end
    end
  end
end
