module P2pStreamsChannel
  # Session state in this process (one Rails process; several need the Redis store). Every method
  # holds one lock, so two joins racing in two threads still elect one host. The same contract as
  # the Node server's MemorySessionStore.
  class MemoryStore
    Session = Struct.new(:host, :members, :attached, :touched_at)
    Host = Struct.new(:peer_id, :subscription_id, :lease_until)

    def initialize(session_ttl:, clock: -> { Process.clock_gettime(Process::CLOCK_MONOTONIC) })
      @sessions = {}
      @ttl = session_ttl
      @clock = clock
      @lock = Mutex.new
    end

    # => the displaced subscription id, or nil
    def attach(session_id, peer_id, subscription_id)
      synchronize do
        session = record(session_id)
        displaced = session.attached[peer_id]
        session.attached[peer_id] = subscription_id
        next nil if displaced.nil? || displaced == subscription_id
        if session.host&.subscription_id == displaced
          session.host.subscription_id = subscription_id
        else
          session.members.delete(peer_id)
        end
        displaced
      end
    end

    # => true when the host left (the session is reset)
    def detach(session_id, peer_id, subscription_id)
      synchronize do
        session = existing(session_id)
        next false unless session && session.attached[peer_id] == subscription_id
        session.attached.delete(peer_id)
        host_left = session.host&.subscription_id == subscription_id
        reset(session) if host_left
        drop_if_empty(session_id, session)
        host_left
      end
    end

    # => [:host, replaced_host_or_nil] | [:client, host_peer_id] | [:refused, nil]
    def join(session_id, peer_id, subscription_id, max_peers:, host_lease:)
      synchronize do
        session = record(session_id)
        session.attached[peer_id] = subscription_id
        replaced = nil
        if session.host && session.host.peer_id != peer_id && session.host.lease_until <= now
          replaced = session.host.peer_id
          reset(session)
        end
        if session.host.nil? || session.host.peer_id == peer_id
          session.members.clear if session.host.nil?
          session.host = Host.new(peer_id, subscription_id, now + host_lease)
          session.members[peer_id] = true
          next [:host, replaced]
        end
        if !session.members.key?(peer_id) && count_members(session) >= max_peers
          next [:refused, nil]
        end
        session.members[peer_id] = false
        [:client, session.host.peer_id]
      end
    end

    # => true when the host left
    def leave(session_id, peer_id)
      synchronize do
        session = existing(session_id)
        next false unless session
        host_left = session.host&.peer_id == peer_id
        host_left ? reset(session) : session.members.delete(peer_id)
        drop_if_empty(session_id, session)
        host_left
      end
    end

    # => :ok | :not_host | :not_member
    def report_client(session_id, host_peer_id, client_peer_id, connected)
      synchronize do
        session = existing(session_id)
        next :not_host unless session && session.host&.peer_id == host_peer_id
        next :ok if client_peer_id == host_peer_id
        next(connected ? :not_member : :ok) unless session.members.key?(client_peer_id)
        if connected || session.attached.key?(client_peer_id)
          session.members[client_peer_id] = connected
        else
          session.members.delete(client_peer_id)
        end
        :ok
      end
    end

    # => :renewed | :reclaimed | :lost
    def renew_host_lease(session_id, peer_id, subscription_id, lease)
      synchronize do
        session = record(session_id)
        if session.host.nil?
          session.host = Host.new(peer_id, subscription_id, now + lease)
          session.attached[peer_id] = subscription_id
          session.members[peer_id] = true
          next :reclaimed
        end
        next :lost unless session.host.subscription_id == subscription_id
        session.host.lease_until = now + lease
        :renewed
      end
    end

    # => :ok | :not_joined | :not_host | :peer_not_found
    def route(session_id, from, to)
      synchronize do
        session = existing(session_id)
        next :not_joined unless session&.members&.key?(from)
        host = session.host&.peer_id
        next :not_host if from != host && to != host
        next :peer_not_found unless session.members.key?(to) && session.attached.key?(to)
        :ok
      end
    end

    # => { host_peer_id:, attached: {peer => sub} } or nil
    def get(session_id)
      synchronize do
        session = existing(session_id, touch: false)
        session && { host_peer_id: session.host&.peer_id, attached: session.attached.dup, members: session.members.dup }
      end
    end

    private

    def synchronize(&block)
      @lock.synchronize(&block)
    end

    def now
      @clock.call
    end

    def record(session_id)
      session = existing(session_id) || Session.new(nil, {}, {}, now)
      session.touched_at = now
      @sessions[session_id] = session
    end

    def existing(session_id, touch: true)
      session = @sessions[session_id]
      return nil unless session
      if session.touched_at <= now - @ttl
        @sessions.delete(session_id)
        return nil
      end
      session.touched_at = now if touch
      session
    end

    # The host, those reported connected and those still attached count; the rest are purged.
    def count_members(session)
      session.members.delete_if { |peer, connected| !connected && peer != session.host&.peer_id && !session.attached.key?(peer) }
      session.members.size
    end

    def reset(session)
      session.host = nil
      session.members.clear
    end

    def drop_if_empty(session_id, session)
      @sessions.delete(session_id) if session.attached.empty? && session.members.empty? && session.host.nil?
    end
  end
end
