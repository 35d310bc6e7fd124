# frozen_string_literal: true

require "securerandom"

module P2pStreamsChannel
  # P2pStreamsChannel::SignalingChannel: subscriptions, joins, host election and the relay of SDP
  # and ICE to the addressed peer — docs/protocol.md, as the Node server implements it. Refusals go
  # to the peer as `Error` messages with a code; nothing a peer sends raises out of the channel.
  class SignalingChannel < ActionCable::Channel::Base
    Refusal = P2pStreamsChannel::Refused

    rescue_from StandardError do |error|
      code = error.is_a?(Refusal) ? error.code : error.class.name.end_with?("Unavailable") ? "store_unavailable" : "internal_error"
      P2pStreamsChannel.refusal_log.warn(logger, code, error.message)
      transmit_error(code, error.is_a?(Refusal) ? error.message : "the server failed to handle this message")
    end

    # Either the subscription is registered in full, or it is rejected with a coded Error first.
    def subscribed
      refusal = check_identifier
      return refuse_subscription(*refusal) if refusal

      register
    rescue StandardError => error
      P2pStreamsChannel.refusal_log.warn(logger, "internal_error", "subscribing failed: #{error.message}")
      refuse_subscription("internal_error", "the server failed to handle this subscription")
    end

    def unsubscribed
      P2pStreamsChannel.lease_keeper.gone(self)
      @probe&.cancel
      return unless @subscription_id && !@replaced

      release = lambda do
        reset_session(@peer_id, "host_left") if store.detach(@session_id, @peer_id, @subscription_id)
      end
      begin
        release.call
      rescue StandardError => error
        raise unless error.class.name.end_with?("Unavailable")

        # The store is down: release once it answers, so a closed host is not renewed or handed out.
        P2pStreamsChannel.lease_keeper.release_later(&release)
      end
    end

    # Any action but "receive" is refused as the Node server refuses it (ActionCable alone would
    # only log it). The rate limit is the connection's (ConnectionGuard), for every frame.
    def perform_action(data)
      action = data["action"]
      return super if action.nil? || action == "receive"

      transmit_error("unknown_message", "the only action is \"receive\"")
    end

    def receive(data)
      raise Refusal.new("unknown_subscription", "not subscribed with this identifier") if @replaced

      signal = SignalParser.parse(data)
      case signal["state"]
      when "SessionJoin" then session_join(signal["lost_host_peer_id"])
      when "ProbeAck" then @probe&.cancel
      when "SessionLeave" then leave
      when "SdpOffer", "SdpAnswer", "IceCandidate" then relay(signal)
      when "PeerConnected", "PeerDisconnected" then report(signal)
      end
    end

    private

    # The official client's `rejected` carries no reason: it hears it first as an Error message.
    def refuse_subscription(code, message)
      @subscription_id = nil
      @rejection_code = code
      transmit_error(code, message)
      reject
    end

    # ActionCable's rejection, with the code as `reason`, as the Node server sends it.
    def transmit_subscription_rejection
      return super unless @rejection_code

      ActiveSupport::Notifications.instrument("transmit_subscription_rejection.action_cable", channel_class: self.class.name) do
        connection.transmit(identifier: @identifier, type: ActionCable::INTERNAL[:message_types][:rejection], reason: @rejection_code)
      end
    end

    def register
      @session_id = params[:session_id]
      @peer_id = params[:peer_id]
      @role = :attached
      @clients = Set.new
      subscription_id = "#{P2pStreamsChannel.node_id}:#{SecureRandom.hex(8)}"
      begin
        displaced = store.attach(@session_id, @peer_id, subscription_id)
      rescue StandardError => error
        # Not subscribed after all; the client subscribes again later (a store_unavailable refusal is transient).
        P2pStreamsChannel.refusal_log.warn(logger, "store_unavailable", "subscribing failed: #{error.message}")
        return refuse_subscription(error.class.name.end_with?("Unavailable") ? "store_unavailable" : "internal_error", "the session store cannot take this subscription now")
      end
      @subscription_id = subscription_id
      P2pStreamsChannel.lease_keeper.live(self)
      handler = ->(envelope) { on_envelope(envelope) }
      stream_from P2pStreamsChannel.session_stream(@session_id), coder: ActiveSupport::JSON, &handler
      stream_from P2pStreamsChannel.peer_stream(@session_id, @peer_id), coder: ActiveSupport::JSON, &handler
      publish(P2pStreamsChannel.peer_stream(@session_id, @peer_id), "kind" => "evict", "subscriptionId" => displaced, "reason" => "peer_replaced") if displaced
    end

    def store
      P2pStreamsChannel.store
    end

    def config
      P2pStreamsChannel.config
    end

    def check_identifier
      limit = config.max_identifier_length
      return ["bad_identifier", "identifier is longer than #{limit} characters"] if identifier.to_s.length > limit
      return ["bad_identifier", "session_id must be 1-128 characters of [A-Za-z0-9_.:@-]"] unless valid_id?(params[:session_id])
      return ["bad_identifier", "peer_id must be 1-128 characters of [A-Za-z0-9_.:@-]"] unless valid_id?(params[:peer_id])
      return ["bad_identifier", "join must be true or false"] unless [nil, true, false].include?(params[:join])
      lost = params[:lost_host_peer_id]
      return ["bad_identifier", "lost_host_peer_id must be a peer id, and comes only with \"join\": true"] unless lost.nil? || (params[:join] == true && valid_id?(lost))
      return nil if config.allow_open_joins
      JoinToken.verify!(P2pStreamsChannel.secret, params[:token], session_id: params[:session_id], peer_id: params[:peer_id])
      nil
    rescue JoinToken::Refused => refusal
      [refusal.code, refusal.message]
    end

    # An identifier with `"join": true` joins with the subscription: right after the confirmation
    # (which ActionCable sends once the streams are live), as a SessionJoin message would. The
    # confirmation may be sent from inside the pub/sub's subscribe callback, where broadcasting is
    # not allowed, so the join runs on the worker pool, like any message (at once under the test stub).
    def transmit_subscription_confirmation
      first = !subscription_confirmation_sent?
      super
      return unless first && subscription_confirmation_sent? && params[:join] == true
      return join_with_subscription unless connection.respond_to?(:server)
      connection.server.worker_pool.async_exec(self, connection: connection) { join_with_subscription }
    end

    def join_with_subscription
      session_join(params[:lost_host_peer_id])
    rescue StandardError => error
      rescue_with_handler(error) || raise
    end

    # A SessionJoin, by message or with the subscription: first the lost host it names is probed.
    def session_join(lost_host_peer_id)
      probe_host(lost_host_peer_id) if lost_host_peer_id
      join
    end

    def valid_id?(id)
      id.is_a?(String) && ID_PATTERN.match?(id)
    end

    def join
      role, other = store.join(@session_id, @peer_id, @subscription_id, max_peers: config.max_peers_per_session, host_lease: config.host_lease)
      case role
      when :refused
        raise Refusal.new("session_full", "the session has #{config.max_peers_per_session} peers already")
      when :host
        reset_session(other, "host_stale") if other
        @clients.clear unless @role == :host
        @role = :host
        P2pStreamsChannel.lease_keeper.add(self)
        transmit(connection_message("SessionReady", "host_peer_id" => @peer_id, "peer_id" => @peer_id))
      when :client
        @role = :member
        ready = connection_message("SessionReady", "host_peer_id" => other, "peer_id" => @peer_id)
        transmit(ready)
        publish(P2pStreamsChannel.peer_stream(@session_id, other), "kind" => "deliver", "message" => ready)
      end
    end

    def leave
      demote
      reset_session(@peer_id, "host_left") if store.leave(@session_id, @peer_id)
    end

    def relay(signal)
      to = signal["to_peer_id"]
      raise Refusal.new("bad_message", "a peer cannot signal itself") if to == @peer_id
      case store.route(@session_id, @peer_id, to)
      when :not_joined then raise Refusal.new("not_joined", "send SessionJoin before signaling")
      when :not_host then raise Refusal.new("not_host", "signals go between the host and a client")
      when :peer_not_found then raise Refusal.new("peer_not_found", "peer #{to} is not in the session or holds no signaling subscription")
      end
      payload = signal["state"] == "IceCandidate" ? { "candidate" => signal["candidate"] } : { "sdp" => signal["sdp"] }
      message = connection_message(signal["state"], { "peer_id" => @peer_id, "to_peer_id" => to }.merge(payload))
      publish(P2pStreamsChannel.peer_stream(@session_id, to), "kind" => "deliver", "message" => message)
    end

    def report(signal)
      client = signal["client_peer_id"]
      connected = signal["state"] == "PeerConnected"
      case store.report_client(@session_id, @peer_id, client, connected)
      when :not_host then raise Refusal.new("not_host", "only the host reports its clients")
      when :not_member then raise Refusal.new("peer_not_found", "peer #{client} has not joined this session")
      end
      connected ? @clients.add(client) : @clients.delete(client)
    end

    # Called by the process's LeaseKeeper while this subscription is a host. Private: a public method
    # of a channel is an action any client could perform.
    def renew_lease
      return P2pStreamsChannel.lease_keeper.delete(self) unless @role == :host && !@replaced
      case store.renew_host_lease(@session_id, @peer_id, @subscription_id, config.host_lease)
      when :lost
        demote
        transmit(connection_message("SessionReset", "host_peer_id" => @peer_id, "reason" => "host_replaced"))
      when :reclaimed
        logger.info("p2p_streams_channel: session #{@session_id}: host #{@peer_id} re-registered with the store")
      end
    end

    def on_envelope(envelope)
      case envelope["kind"]
      when "deliver"
        message = envelope["message"]
        demote if message["state"] == "SessionReset"
        transmit(message) unless @replaced
      when "probe"
        answer_probe if envelope["subscriptionId"] == @subscription_id && !@replaced
      when "evict"
        return unless envelope["subscriptionId"] == @subscription_id
        transmit_error("peer_replaced", "another subscription now speaks for this peer")
        @replaced = true
        stop_all_streams
      end
    end

    # A peer says it lost `host_peer_id`: if that is still the host, its subscription is asked to
    # prove its page is there (ActionCable cannot ping one socket, so the probe is a message).
    def probe_host(host_peer_id)
      session = store.get(@session_id)
      subscription_id = session && session[:host_peer_id] == host_peer_id ? session[:attached][host_peer_id] : nil
      publish(P2pStreamsChannel.peer_stream(@session_id, host_peer_id), "kind" => "probe", "subscriptionId" => subscription_id) if subscription_id
    end

    # On the host's side: its connection is pinged (ConnectionGuard#p2p_probe), as the Node server
    # pings it; no pong within config.probe_timeout and it is dropped, which ends the subscription
    # and resets the session. One probe at a time: a flood of lost-host claims costs the claimer's
    # rate limit, never the host's. Where the connection cannot ping (ActionCable's test stub), the
    # host's page is sent a Probe message, which it answers with ProbeAck.
    def answer_probe
      now = P2pStreamsChannel.clock
      return if @probe_until && now < @probe_until

      @probe_until = now + config.probe_timeout
      return if connection.respond_to?(:p2p_probe) && connection.p2p_probe(config.probe_timeout)

      transmit(connection_message("Probe", {}))
      @probe = Concurrent::ScheduledTask.execute(config.probe_timeout) do
        logger.warn("p2p_streams_channel: session #{@session_id}: host #{@peer_id} did not answer a probe; dropped")
        connection.close(reason: "remote", reconnect: true)
      end
    end

    # After a store outage: re-asserts this subscription (attachment, membership, host role and the
    # clients it reported), respecting what happened meanwhile.
    def restore_registration
      return if @replaced || @subscription_id.nil?
      role = { host: "host", member: "member" }.fetch(@role, "attached")
      case store.restore(@session_id, @peer_id, @subscription_id, role: role, lease: config.host_lease, clients: @clients.to_a)
      when :displaced
        transmit_error("peer_replaced", "another subscription now speaks for this peer")
        @replaced = true
        stop_all_streams
      when :lost
        if @role == :host
          demote
          transmit(connection_message("SessionReset", "host_peer_id" => @peer_id, "reason" => "host_replaced"))
        end
      end
    end

    def reset_session(host_peer_id, reason)
      message = connection_message("SessionReset", "host_peer_id" => host_peer_id, "reason" => reason)
      publish(P2pStreamsChannel.session_stream(@session_id), "kind" => "deliver", "message" => message)
    end

    def demote
      @role = :attached
      @clients&.clear
      P2pStreamsChannel.lease_keeper.delete(self)
    end

    def publish(stream, envelope)
      ActionCable.server.broadcast(stream, envelope)
    end

    def connection_message(state, fields)
      { "type" => "Connection", "state" => state }.merge(fields)
    end

    def transmit_error(code, message)
      transmit(connection_message("Error", "code" => code, "message" => message))
    end

    # ActionCable logs each action with its data at info level; SDP and candidates are never logged,
    # and a peer's data could be long: the log names only the state.
    def action_signature(action, data)
      state = data.is_a?(Hash) && data["state"].is_a?(String) ? data["state"][0, 40] : "?"
      "#{self.class.name}##{action}(#{state})"
    end
  end
end
