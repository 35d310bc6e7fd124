# A minimal Rails ActionCable relay (async adapter), the reference for the signaling benchmarks.
# Run: puma -b 'tcp://127.0.0.1:PORT?low_latency=true' bench/servers/rails/config.ru
require "rails"
require "action_cable/engine"

class BenchApp < Rails::Application
  config.eager_load = false
  config.logger = Logger.new(nil)
  config.log_level = :fatal
  config.secret_key_base = "bench" * 16
  config.hosts.clear
  config.action_cable.disable_request_forgery_protection = true
  config.action_cable.cable = { "adapter" => "async" }
  config.action_cable.mount_path = nil
end

class RelayChannel < ActionCable::Channel::Base
  def subscribed
    stream_from "p:#{params[:session_id]}:#{params[:peer_id]}"
  end

  # {to, payload} goes to that peer as {from, payload}, like the other relays.
  def receive(data)
    ActionCable.server.broadcast("p:#{params[:session_id]}:#{data["to"]}", { "from" => params[:peer_id], "payload" => data["payload"] })
  end

  def join(_data)
    transmit({ "type" => "ready" })
  end
end

BenchApp.initialize!
ActionCable.server.config.logger = Logger.new(nil)
ActionCable.server.config.worker_pool_size = 4
run ActionCable.server
