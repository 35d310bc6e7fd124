# frozen_string_literal: true

require "rails/engine"
require "action_dispatch"

module P2pStreamsChannel
  # Mounts what a page needs: p2p_frame_tag in every view, and the browser client (the bundle this
  # repository builds) with its two dependencies at /p2p/, the same URLs as the Node server's.
  class Engine < ::Rails::Engine
    isolate_namespace P2pStreamsChannel

    initializer "p2p_streams_channel.helper" do
      ActiveSupport.on_load(:action_view) { include P2pStreamsChannel::FrameHelper }
    end

    # As the Node server (docs/protocol.md §1): clients that send no Origin (not a browser) may
    # connect; they still need a token to subscribe. Browsers keep Rails' origin rules.
    NO_ORIGIN = ->(origin) { origin.nil? }
    initializer "p2p_streams_channel.origins", before: "action_cable.set_configs" do |app|
      app.config.action_cable.allowed_request_origins = Array(app.config.action_cable.allowed_request_origins) + [NO_ORIGIN]
    end

    # The Node server's limits on the app's cable (docs/security.md, "The Rails gem"): checks of the
    # upgrade, the frame rate, liveness and idle connections (ConnectionGuard, SubscriptionsHooks),
    # of each frame (FrameGuard), and of frame size and unread bytes under ActionCable's socket (SocketGuard).
    initializer "p2p_streams_channel.guards" do
      ActiveSupport.on_load(:action_cable_connection) do
        prepend P2pStreamsChannel::FrameGuard
        prepend P2pStreamsChannel::ConnectionGuard
      end
      require "action_cable/connection/subscriptions"
      ActionCable::Connection::Subscriptions.prepend(P2pStreamsChannel::SubscriptionsHooks)
      require "action_cable/connection/client_socket"
      require "action_cable/connection/stream"
      ::WebSocket::Driver.singleton_class.prepend(P2pStreamsChannel::SocketGuard::DriverLimit)
      ActionCable::Connection::ClientSocket.prepend(P2pStreamsChannel::SocketGuard::ClientSocketHooks)
      ActionCable::Connection::Stream.prepend(P2pStreamsChannel::SocketGuard::StreamHooks)
    end

    config.after_initialize { P2pStreamsChannel.config.validate! }

    # With importmap-rails (sprockets or propshaft), `pin "p2p", to: "p2p.js"` finds the vendored bundle.
    initializer "p2p_streams_channel.asset_paths" do |app|
      app.config.assets.paths << File.expand_path("../../vendor/javascript", __dir__) if app.config.respond_to?(:assets)
    end

    initializer "p2p_streams_channel.assets" do |app|
      app.middleware.insert_before(0, P2pStreamsChannel::ClientAssets)
    end
  end
end
