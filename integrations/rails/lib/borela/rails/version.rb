module Borela
  module Rails
    VERSION = "0.1.0"
  end
end
