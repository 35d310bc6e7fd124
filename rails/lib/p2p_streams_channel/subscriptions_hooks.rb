# frozen_string_literal: true

module P2pStreamsChannel
  # Prepended to ActionCable::Connection::Subscriptions by the engine:
  # - when a connection's last subscription ends, its idle clock starts then (ConnectionGuard
  #   closes it config.idle_connection_timeout later), as on the Node server;
  # - ActionCable logs an unsubscribe with its identifier, which for this channel holds the join
  #   token, a bearer credential: this channel's are logged by session and peer instead.
  module SubscriptionsHooks
    def remove(data)
      identifier = FrameGuard.parse_identifier(data["identifier"])
      return super unless identifier && identifier["channel"] == ChannelLookup::OURS

      logger.info "Unsubscribing from channel: #{ChannelLookup::OURS} (session #{identifier['session_id']}, peer #{identifier['peer_id']})"
      remove_subscription find(data)
    end

    def remove_subscription(subscription)
      super
      connection.p2p_bare_from_now if subscriptions.empty? && connection.respond_to?(:p2p_bare_from_now)
    end
  end
end
