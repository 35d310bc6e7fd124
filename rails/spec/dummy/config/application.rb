require "rails"
require "action_controller/railtie"
require "action_view/railtie"
require "action_cable/engine"

$LOAD_PATH.unshift(File.expand_path("../../../lib", __dir__))
require "p2p_streams_channel"

module Dummy
  class Application < Rails::Application
    config.root = File.expand_path("..", __dir__)
    config.load_defaults 6.1
    config.eager_load = true
    config.secret_key_base = ENV.fetch("SECRET_KEY_BASE", "dummy-secret-key-base-" * 4)
    config.hosts.clear
    config.logger = ActiveSupport::Logger.new($stdout)
    config.log_level = ENV.fetch("LOG_LEVEL", "warn").to_sym
    config.action_cable.mount_path = "/cable"
    # Pages served by this app connect to its cable: the same origin as the Host header.
    config.action_cable.allow_same_origin_as_host = true
    config.action_cable.cable = ENV["REDIS_URL"] ? { "adapter" => "redis", "url" => ENV["REDIS_URL"] } : { "adapter" => "async" }
  end
end
