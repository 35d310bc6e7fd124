# frozen_string_literal: true

require "openssl"

module P2pStreamsChannel
  # Every option, with its default; set them in config/initializers/p2p_streams_channel.rb. The
  # limits are the Node server's, with the same defaults (docs/security.md, "The Rails gem").
  class Configuration
    # Join-token secret, 16+ characters. Default: nil, which means P2P_STREAMS_CHANNEL_SECRET when
    # set, else one derived from secret_key_base (see P2pStreamsChannel.secret).
    attr_accessor :secret
    # Development only: accept subscriptions without a valid token. Default: false.
    attr_accessor :allow_open_joins
    # Most members of one session, host included. Default: 50.
    attr_accessor :max_peers_per_session
    # A host whose lease is not renewed for this long (seconds) is replaced by the next joiner. Default: 15.
    attr_accessor :host_lease
    # How often (seconds) the channel renews the leases of the hosts it holds. Default: 3.
    attr_accessor :lease_renewal_interval
    # An idle session is forgotten after this long (seconds). Default: 3600.
    attr_accessor :session_ttl
    # How long a token from p2p_frame_tag lasts (seconds). Default: 3600.
    attr_accessor :token_expires_in
    # When a peer reports the host lost, the host's connection must answer a WebSocket ping within
    # this many seconds or it is dropped (and the session reset). Default: 1.
    attr_accessor :probe_timeout
    # Per-connection frame rate, every command counted: sustained frames per second, and burst.
    # Default: 100 and 200.
    attr_accessor :rate_limit_per_second, :rate_limit_burst
    # Largest WebSocket message accepted, in bytes; a larger one closes the socket with 1009. Default: 65536.
    attr_accessor :max_payload
    # Longest subscription identifier, in characters. Default: 2048.
    attr_accessor :max_identifier_length
    # Most subscriptions one connection may hold (every channel counted). Default: 16.
    attr_accessor :max_subscriptions_per_connection
    # Bytes that may wait to be sent to one connection; past it the client, which is not reading, is
    # dropped (slow_consumer). Default: 1048576 (1 MiB).
    attr_accessor :max_buffered_bytes
    # A connection holding no subscription for this long (seconds) is closed (no_subscription). Default: 10.
    attr_accessor :idle_connection_timeout
    # A connection that sends nothing, and answers no WebSocket ping, for this long (seconds) is
    # dropped (liveness_timeout). Default: 10.
    attr_accessor :liveness_timeout
    # Refusal log lines: sustained per second, and burst; the rest are counted in one summary line.
    # Default: 10 and 50.
    attr_accessor :log_lines_per_second, :log_lines_burst
    # Session state: :memory (one process) or a Redis URL ("redis://localhost:6379") shared by every
    # process. Default: :memory.
    attr_accessor :store

    POSITIVE = %i[
      max_peers_per_session host_lease lease_renewal_interval session_ttl token_expires_in probe_timeout
      rate_limit_per_second rate_limit_burst max_payload max_identifier_length max_subscriptions_per_connection
      max_buffered_bytes idle_connection_timeout liveness_timeout log_lines_per_second log_lines_burst
    ].freeze

    def initialize
      @secret = nil
      @allow_open_joins = false
      @max_peers_per_session = 50
      @host_lease = 15
      @lease_renewal_interval = 3
      @session_ttl = 3600
      @token_expires_in = 3600
      @store = :memory
      @probe_timeout = 1
      @rate_limit_per_second = 100
      @rate_limit_burst = 200
      @max_payload = 65_536
      @max_identifier_length = 2048
      @max_subscriptions_per_connection = 16
      @max_buffered_bytes = 1_048_576
      @idle_connection_timeout = 10
      @liveness_timeout = 10
      @log_lines_per_second = 10
      @log_lines_burst = 50
    end

    # Raises ArgumentError naming the first option that cannot work; the engine calls it at boot.
    def validate!
      POSITIVE.each do |name|
        value = public_send(name)
        raise ArgumentError, "P2pStreamsChannel: config.#{name} must be a positive number, got #{value.inspect}" unless value.is_a?(Numeric) && value.positive? && value.finite?
      end
      raise ArgumentError, "P2pStreamsChannel: config.secret must be at least 16 characters" if secret && secret.to_s.length < 16
      raise ArgumentError, "P2pStreamsChannel: config.host_lease must be longer than config.lease_renewal_interval, which renews it" if host_lease <= lease_renewal_interval
      raise ArgumentError, "P2pStreamsChannel: config.allow_open_joins must be true or false" unless [true, false].include?(allow_open_joins)
      self
    end
  end

  ID_PATTERN = /\A[A-Za-z0-9_.:@-]{1,128}\z/

  class << self
    def config
      @config ||= Configuration.new
    end

    def configure
      yield config
    end

    # P2P_STREAMS_CHANNEL_SECRET when set (as the Node server reads it), else config.secret, else
    # HMAC-SHA256(secret_key_base, "p2p_streams_channel join tokens") in hex.
    def secret
      from_env = ENV["P2P_STREAMS_CHANNEL_SECRET"]
      return from_env if from_env && !from_env.empty?
      return config.secret if config.secret

      base = defined?(Rails) && Rails.application&.secret_key_base
      raise ArgumentError, "P2pStreamsChannel: no secret (set P2P_STREAMS_CHANNEL_SECRET, config.secret or secret_key_base)" unless base

      OpenSSL::HMAC.hexdigest("SHA256", base, "p2p_streams_channel join tokens")
    end

    def session_stream(session_id)
      "p2p:session:#{session_id}"
    end

    # Length-prefixed, as the Node server's: two different (session, peer) pairs never share a stream.
    def peer_stream(session_id, peer_id)
      "p2p:peer:#{session_id.length}:#{session_id}:#{peer_id}"
    end
  end
end
