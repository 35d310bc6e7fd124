require "digest/sha1"

module P2pStreamsChannel
  # Session state in Redis, shared by every Rails process (Puma workers, app servers) and by Node
  # servers on the same Redis: the very Lua scripts the Node server runs (lua/, generated from its
  # source), so host election and member limits are atomic across all of them. Each process keeps
  # a `<prefix>node:<id>` key alive; entries of a process whose key expired count as gone.
  class RedisStore
    # Each script is the prelude, a newline and its body: the very text the Node server runs.
    LUA = Dir[File.join(__dir__, "lua", "*.lua")].to_h { |path| [File.basename(path, ".lua").to_sym, File.read(path).sub(/\A--[^\n]*\n/, "")] }
    SCRIPTS = LUA.except(:prelude).transform_values { |body| "#{LUA.fetch(:prelude)}\n#{body}" }.freeze

    # The store could not reach Redis: the channel answers store_unavailable.
    class Unavailable < StandardError; end

    def initialize(url:, node_id:, session_ttl:, node_ttl: 9, prefix: "p2p:")
      require "redis"
      @redis = Redis.new(url: url)
      @prefix = prefix
      @ttl = (session_ttl * 1000).to_i.to_s
      @node_key = "#{prefix}node:#{node_id}"
      @node_ttl = node_ttl
      @shas = SCRIPTS.transform_values { |lua| Digest::SHA1.hexdigest(lua) }
      @lock = Mutex.new
      mark_alive
      @heartbeat = Thread.new do
        loop do
          sleep(@node_ttl / 3.0)
          mark_alive
        end
      end
    end

    def attach(session_id, peer_id, subscription_id)
      displaced = run(:attach, session_id, peer_id, subscription_id).to_s
      displaced.empty? ? nil : displaced
    end

    def detach(session_id, peer_id, subscription_id)
      run(:detach, session_id, peer_id, subscription_id).to_i == 1
    end

    def join(session_id, peer_id, subscription_id, max_peers:, host_lease:)
      role, other = run(:join, session_id, peer_id, subscription_id, max_peers, (host_lease * 1000).to_i)
      case role
      when "refused" then [:refused, nil]
      when "client" then [:client, other]
      else [:host, other.to_s.empty? ? nil : other]
      end
    end

    def leave(session_id, peer_id)
      run(:leave, session_id, peer_id).to_i == 1
    end

    def report_client(session_id, host_peer_id, client_peer_id, connected)
      run(:report, session_id, host_peer_id, client_peer_id, connected ? "1" : "0").to_sym
    end

    def renew_host_lease(session_id, peer_id, subscription_id, lease)
      run(:renew, session_id, peer_id, subscription_id, (lease * 1000).to_i).to_sym
    end

    def route(session_id, from, to)
      run(:route, session_id, from, to).to_sym
    end

    # Re-asserts one live subscription after Redis may have lost state (see on_recovered).
    def restore(session_id, peer_id, subscription_id, role:, lease: 0, clients: [])
      run(:restore, session_id, peer_id, subscription_id, role, (lease * 1000).to_i, *clients).to_sym
    end

    # Called (on a thread of its own) when a command succeeds after commands failed: Redis is back,
    # perhaps restarted empty.
    attr_writer :on_recovered

    def get(session_id)
      flat = run(:get, session_id)
      return nil if flat.empty?
      fields = flat.each_slice(2).to_h
      attached = fields.select { |field, _| field.start_with?("a:") }.transform_keys { |field| field[2..] }
      members = fields.select { |field, _| field.start_with?("m:") }.to_h { |field, value| [field[2..], value == "1"] }
      { host_peer_id: fields["host"], attached: attached, members: members }
    end

    private

    # Also how an outage is noticed when nothing else talks to Redis, and its end: the liveness key
    # missing (after the first beat) means Redis lost what this process had put there.
    def mark_alive
      previous = @redis.call("SET", @node_key, "1", "PX", (@node_ttl * 1000).to_i.to_s, "GET")
      @failing = true if previous.nil? && @beaten
      @beaten = true
      succeeded
    rescue StandardError
      @failing = true # retried at the next beat; commands meanwhile answer store_unavailable
    end

    def succeeded
      return unless @failing
      @failing = false
      Thread.new do
        # This process's liveness key first: without it, its subscriptions count as a dead node's.
        @redis.set(@node_key, "1", px: (@node_ttl * 1000).to_i)
        @on_recovered&.call
      rescue StandardError
        @failing = true
      end
    end

    def run(name, session_id, *args)
      key = "#{@prefix}sess:#{session_id}"
      argv = [@prefix, @ttl, *args.map(&:to_s)]
      result = @lock.synchronize do
        begin
          @redis.evalsha(@shas.fetch(name), keys: [key], argv: argv)
        rescue Redis::CommandError => error
          raise unless error.message.include?("NOSCRIPT")
          @redis.eval(SCRIPTS.fetch(name), keys: [key], argv: argv)
        end
      end
      succeeded
      result
    rescue Redis::BaseConnectionError => error
      @failing = true
      raise Unavailable, "the session store (Redis) failed: #{error.message}"
    end
  end
end
