require "borela/rails/version"
require "borela/rails/database_config"
require "borela/rails/agent_config"
require "borela/rails/kamal"
