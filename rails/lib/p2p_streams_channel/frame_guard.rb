require "json"

module P2pStreamsChannel
  # Prepended to the app's ActionCable connections by the engine: a frame that is not a valid
  # command is refused as the Node server refuses it — one escaped log line (at most 10 a second),
  # no stack trace — instead of reaching ActionCable, which would log a backtrace. A message or
  # unsubscribe for an identifier of this channel that is not subscribed is answered on that
  # identifier with an `Error` message. Valid frames go on untouched, for every channel.
  module FrameGuard
    COMMANDS = %w[subscribe unsubscribe message].freeze
    CHANNEL = "P2pStreamsChannel::SignalingChannel"

    def dispatch_websocket_message(websocket_message)
      return super unless websocket.alive?
      frame, (code, text, identifier) = FrameGuard.check(websocket_message, subscriptions.identifiers)
      # What ActionCable's own dispatch does, with the frame parsed once: on Rails 7.1 and later
      # through handle_channel_command, which runs the connection's before/around/after_command.
      unless code
        return respond_to?(:handle_channel_command, true) ? handle_channel_command(frame) : subscriptions.execute_command(frame)
      end
      FrameGuard.log(logger, code, text)
      return unless identifier
      if code == "bad_identifier" || code == "unknown_channel"
        transmit(identifier: identifier, type: "reject_subscription")
      elsif FrameGuard.ours?(identifier)
        transmit(identifier: identifier, message: { type: "Connection", state: "Error", code: code, message: text })
      end
    end

    class << self
      # => [frame, nil] for a frame ActionCable may handle, else [nil, [code, message, identifier-or-nil]]
      def check(text, subscribed)
        frame = JSON.parse(text)
        refusal = refusal(frame, subscribed)
        refusal ? [nil, refusal] : [frame, nil]
      rescue JSON::ParserError
        [nil, ["malformed_json", "frame is not valid JSON"]]
      end

      def refusal(frame, subscribed)
        return ["malformed_frame", "frame must be a JSON object"] unless frame.is_a?(Hash)
        command, identifier = frame["command"], frame["identifier"]
        return ["malformed_frame", "frame has no \"command\" string"] unless command.is_a?(String)
        return ["malformed_frame", "frame has no \"identifier\" string"] unless identifier.is_a?(String) && !identifier.empty?
        return ["unknown_command", "unknown command \"#{command[0, 40]}\""] unless COMMANDS.include?(command)
        if command == "subscribe"
          parsed = JSON.parse(identifier) rescue nil
          return ["bad_identifier", "identifier is not a JSON object", identifier] unless parsed.is_a?(Hash)
          channel = parsed["channel"]
          known = channel.is_a?(String) && channel.safe_constantize
          return ["unknown_channel", "unknown channel #{channel.to_s[0, 60].inspect}", identifier] unless known.is_a?(Class) && known <= ActionCable::Channel::Base
          return nil
        end
        return ["unknown_subscription", "not subscribed with this identifier", identifier] unless subscribed.include?(identifier)
        return ["malformed_frame", "message frame has no \"data\" string", identifier] if command == "message" && !frame["data"].is_a?(String)
        return ["malformed_json", "message data is not valid JSON", identifier] if command == "message" && !(JSON.parse(frame["data"]).is_a?(Hash) rescue false)
        nil
      end

      # Error messages go only to identifiers of this channel (a reject goes to any identifier).
      def ours?(identifier)
        (JSON.parse(identifier)["channel"] == CHANNEL) rescue false
      end

      LOG_BUDGET = RateLimit.new(10, 50)

      def log(logger, code, text)
        @suppressed ||= 0
        unless LOG_BUDGET.take == :ok
          @suppressed += 1
          return
        end
        if @suppressed.positive?
          logger.warn("p2p_streams_channel: #{@suppressed} more refusals not logged (log rate limit)")
          @suppressed = 0
        end
        logger.warn("p2p_streams_channel: refused (#{code}): #{text.gsub(/[[:cntrl:]]/, " ")[0, 300]}")
      end
    end
  end
end
