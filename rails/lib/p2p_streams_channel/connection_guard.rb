# frozen_string_literal: true

module P2pStreamsChannel
  # Prepended to the app's ActionCable connections by the engine: the Node server's connection
  # limits, for every channel of the app.
  # - The upgrade: a browser origin ActionCable would not allow gets 403 (ActionCable: 404), and a
  #   client that does not offer the actioncable-v1-json subprotocol over WebSocket version 13 gets 400.
  # - Every frame passes the connection's rate limit on the socket's own thread, before it is queued
  #   for ActionCable's workers, so a flood costs its sender and not the other connections; a binary
  #   frame closes the socket with 1003; a client that keeps flooding is disconnected with 1008.
  # - At each of ActionCable's heartbeats (3 s): a connection that sent nothing and answered no ping
  #   for config.liveness_timeout is dropped, one without a subscription for
  #   config.idle_connection_timeout is closed, and the others are pinged.
  module ConnectionGuard
    CLOSE_GRACE = 5

    def process
      @p2p_bare_since = P2pStreamsChannel.clock # no subscription yet: the idle clock starts at the opening
      refusal = UpgradeCheck.refusal(env, server.config)
      return super unless refusal

      status, code, text = refusal
      P2pStreamsChannel.refusal_log.warn(logger, code, "upgrade refused: #{text}")
      [status, { "Content-Type" => "text/plain" }, [text]]
    end

    # On the socket's thread (ActionCable's event loop), before the frame is queued for a worker.
    def on_message(message)
      return if @p2p_closing

      p2p_seen
      return p2p_refuse_connection("binary_not_supported", "binary frames are not part of the protocol", 1003) unless message.is_a?(String)

      MemoryGuard.passed(message.bytesize)

      case RateLimit.of(self, P2pStreamsChannel.config.rate_limit_per_second, P2pStreamsChannel.config.rate_limit_burst).take
      when :ok then super
      when :notify then p2p_rate_notice
      when :disconnect
        transmit(type: "disconnect", reason: "rate_limited", reconnect: false)
        p2p_refuse_connection("rate_limited", "too many frames; connection dropped", 1008)
      end
    end

    def beat
      return if @p2p_closing

      now = P2pStreamsChannel.clock
      config = P2pStreamsChannel.config
      return p2p_drop("liveness_timeout", "no frame and no pong for #{config.liveness_timeout} s") if now - p2p_seen_at > config.liveness_timeout

      @p2p_bare_since = subscriptions.identifiers.empty? ? (@p2p_bare_since || now) : nil
      if @p2p_bare_since && now - @p2p_bare_since > config.idle_connection_timeout
        transmit(type: "disconnect", reason: "no_subscription", reconnect: false)
        return p2p_refuse_connection("no_subscription", "no subscription for #{config.idle_connection_timeout} s", 1000)
      end
      super
      p2p_socket&.p2p_ping(&p2p_on_pong)
    end

    # Its last subscription ended (SubscriptionsHooks): the idle clock starts now.
    def p2p_bare_from_now
      @p2p_bare_since = P2pStreamsChannel.clock
    end

    # Checks that the client is still there (another peer reports it lost): a WebSocket ping that
    # must be answered, by its pong or any frame, within `timeout` seconds, else the socket is
    # dropped. False when this socket cannot be pinged.
    def p2p_probe(timeout)
      heard_before = @p2p_heard.to_i
      return false unless p2p_socket&.p2p_ping(&p2p_on_pong)

      Concurrent::ScheduledTask.execute(timeout) do
        p2p_drop("liveness_timeout", "the host did not answer a probe within #{timeout} s") unless @p2p_heard.to_i > heard_before
      end
      true
    end

    private

    # A frame or a pong arrived. The count tells a probe whether one came after its ping.
    def p2p_seen
      @p2p_seen_at = P2pStreamsChannel.clock
      @p2p_heard = @p2p_heard.to_i + 1
    end

    def p2p_seen_at
      @p2p_seen_at ||= P2pStreamsChannel.clock
    end

    def p2p_on_pong
      @p2p_on_pong ||= -> { p2p_seen }
    end

    def p2p_socket
      socket = websocket.send(:websocket)
      socket if socket.respond_to?(:p2p_ping)
    end

    # Each of this channel's subscriptions hears of the rate limit (once a second, as RateLimit decides).
    def p2p_rate_notice
      P2pStreamsChannel.refusal_log.warn(logger, "rate_limited", "too many frames; slow down")
      subscriptions.identifiers.each do |identifier|
        next unless FrameGuard.ours?(identifier)

        transmit(identifier: identifier, message: { type: "Connection", state: "Error", code: "rate_limited", message: "too many frames; slow down" })
      end
    end

    # Closes with a handshake; a client that does not answer it within CLOSE_GRACE seconds is dropped.
    def p2p_refuse_connection(code, text, close_code)
      @p2p_closing = true
      P2pStreamsChannel.refusal_log.warn(logger, code, text)
      socket = p2p_socket
      return websocket.close unless socket

      socket.p2p_close(close_code, code)
      Concurrent::ScheduledTask.execute(CLOSE_GRACE) { socket.p2p_terminate }
    end

    def p2p_drop(code, text)
      @p2p_closing = true
      P2pStreamsChannel.refusal_log.warn(logger, code, text)
      p2p_socket&.p2p_terminate
    end
  end
end
