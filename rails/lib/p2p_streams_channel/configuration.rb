require "openssl"

module P2pStreamsChannel
  # Every option, with its default; set them in config/initializers/p2p_streams_channel.rb.
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
    # When a peer reports the host lost, the host's page must answer a probe within this many
    # seconds or its connection is closed (and the session reset). Default: 1.
    attr_accessor :probe_timeout
    # Per-connection message rate: sustained messages per second, and burst. Default: 100 and 200.
    attr_accessor :rate_limit_per_second, :rate_limit_burst
    # Session state: :memory (one process) or a Redis URL ("redis://localhost:6379") shared by every
    # process. Default: :memory.
    attr_accessor :store

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
