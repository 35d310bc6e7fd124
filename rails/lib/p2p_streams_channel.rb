# frozen_string_literal: true

require "securerandom"
require "set"
require "p2p_streams_channel/version"
require "p2p_streams_channel/configuration"
require "p2p_streams_channel/join_token"
require "p2p_streams_channel/memory_store"
require "p2p_streams_channel/lease_keeper"
require "p2p_streams_channel/rate_limit"
require "p2p_streams_channel/refusal_log"
require "p2p_streams_channel/refused"
require "p2p_streams_channel/signal_parser"
if defined?(Rails::Railtie)
  require "p2p_streams_channel/client_assets"
  require "p2p_streams_channel/frame_helper"
  require "p2p_streams_channel/channel_lookup"
  require "p2p_streams_channel/frame_guard"
  require "p2p_streams_channel/memory_guard"
  require "p2p_streams_channel/upgrade_check"
  require "p2p_streams_channel/connection_guard"
  require "p2p_streams_channel/subscriptions_hooks"
  require "p2p_streams_channel/socket_guard"
  require "p2p_streams_channel/engine"
end

# One-to-many WebRTC sessions between browsers, with this Rails app's ActionCable as the signaling
# server. See the README's "Rails" section.
module P2pStreamsChannel
  class << self
    # Seconds on a monotonic clock.
    def clock
      Process.clock_gettime(Process::CLOCK_MONOTONIC)
    end

    # This process's name in subscription ids.
    def node_id
      @node_id ||= SecureRandom.hex(4)
    end

    # The session store the channel uses: in memory, or Redis when config.store is a URL.
    def store
      @store ||= build_store
    end

    # Signs a join token for one peer of one session (what p2p_frame_tag puts in the frame).
    def sign_token(session_id:, peer_id:, expires_in: config.token_expires_in)
      JoinToken.sign(secret, session_id: session_id, peer_id: peer_id, expires_at: Time.now.to_i + expires_in.to_i)
    end

    private

    def build_store
      case config.store
      when :memory, nil, "memory" then MemoryStore.new(session_ttl: config.session_ttl)
      when %r{\Arediss?://}
        require "p2p_streams_channel/redis_store"
        store = RedisStore.new(url: config.store, node_id: node_id, session_ttl: config.session_ttl, node_ttl: 3 * config.lease_renewal_interval)
        store.on_recovered = -> { lease_keeper.restore_all }
        store
      else raise ArgumentError, "P2pStreamsChannel: config.store must be :memory or a redis:// URL, got #{config.store.inspect}"
      end
    end
  end
end
