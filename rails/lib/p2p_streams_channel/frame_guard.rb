# frozen_string_literal: true

require "json"

module P2pStreamsChannel
  # Prepended to the app's ActionCable connections by the engine: a frame that is not a valid
  # command is refused as the Node server refuses it — one escaped log line within the refusal log's
  # budget, no stack trace — instead of reaching ActionCable, which would log a backtrace or load a
  # class a client named. Checked here: JSON of at most MAX_DEPTH levels whose strings are valid
  # UTF-8, a known command, an identifier within config.max_identifier_length naming a concrete
  # channel (ChannelLookup), at most config.max_subscriptions_per_connection subscriptions, and a
  # message's data a JSON object. Refusals of an identifier are answered on it: a reject (with the
  # code as `reason`) for a subscribe, and an `Error` message unless it names another channel. Valid frames go on untouched, for every channel.
  module FrameGuard
    COMMANDS = %w[subscribe unsubscribe message].freeze
    CHANNEL = ChannelLookup::OURS
    MAX_DEPTH = 100 # the nesting ActionCable's own JSON decoding accepts; deeper would raise there
    REJECTED = %w[bad_identifier unknown_channel too_many_subscriptions].freeze
    INVALID = Object.new.freeze # what #parse returns for text that is not acceptable JSON

    def dispatch_websocket_message(websocket_message)
      return unless websocket.alive? # closed meanwhile (a refusal): nothing to answer, nothing to log

      frame, (code, text, identifier) = FrameGuard.check(websocket_message, subscriptions.identifiers)
      # What ActionCable's own dispatch does, with the frame parsed once: on Rails 7.1 and later
      # through handle_channel_command, which runs the connection's before/around/after_command.
      unless code
        return respond_to?(:handle_channel_command, true) ? handle_channel_command(frame) : subscriptions.execute_command(frame)
      end

      P2pStreamsChannel.refusal_log.warn(logger, code, text)
      return unless identifier

      transmit(identifier: identifier, message: { type: "Connection", state: "Error", code: code, message: text }) unless FrameGuard.another_channel?(identifier)
      transmit(identifier: identifier, type: "reject_subscription", reason: code) if REJECTED.include?(code)
    end

    class << self
      # => [frame, nil] for a frame ActionCable may handle, else [nil, [code, message, identifier-or-nil]]
      def check(text, subscribed)
        frame = parse(text)
        return [nil, ["malformed_json", "frame is not valid JSON with strings of UTF-8"]] if frame.equal?(INVALID)

        refusal = refusal(frame, subscribed)
        refusal ? [nil, refusal] : [frame, nil]
      end

      def refusal(frame, subscribed)
        return ["malformed_frame", "frame must be a JSON object"] unless frame.is_a?(Hash)

        command, identifier = frame["command"], frame["identifier"]
        return ["malformed_frame", "frame has no \"command\" string"] unless command.is_a?(String)
        return ["malformed_frame", "frame has no \"identifier\" string"] unless identifier.is_a?(String) && !identifier.empty?
        return ["unknown_command", "unknown command \"#{command[0, 40]}\""] unless COMMANDS.include?(command)
        return subscribe_refusal(identifier, subscribed) if command == "subscribe"
        return ["unknown_subscription", "not subscribed with this identifier", identifier] unless subscribed.include?(identifier)
        return nil unless command == "message"
        return ["malformed_frame", "message frame has no \"data\" string", identifier] unless frame["data"].is_a?(String)

        data = parse(frame["data"])
        return ["malformed_json", "message data is not valid JSON with strings of UTF-8", identifier] if data.equal?(INVALID)
        return ["bad_message", "message data must be a JSON object", identifier] unless data.is_a?(Hash)

        nil
      end

      def ours?(identifier)
        parsed = parse_identifier(identifier)
        parsed && parsed["channel"] == CHANNEL
      end

      # An identifier's fields, or nil when it is not a JSON object with strings of UTF-8.
      def parse_identifier(identifier)
        parsed = parse(identifier)
        parsed.is_a?(Hash) ? parsed : nil
      end

      # Whether the identifier names one of the app's other channels, whose messages are theirs to
      # shape: an Error message goes to any other identifier (this channel's, or none's), as the
      # Node server sends it; a reject goes to any identifier.
      def another_channel?(identifier)
        parsed = parse(identifier)
        channel = parsed.is_a?(Hash) && parsed["channel"]
        channel != CHANNEL && ChannelLookup.known?(channel)
      end

      private

      def subscribe_refusal(identifier, subscribed)
        limit = P2pStreamsChannel.config.max_identifier_length
        return ["bad_identifier", "identifier is longer than #{limit} characters", identifier] if identifier.length > limit

        parsed = parse(identifier)
        return ["bad_identifier", "identifier is not a JSON object with strings of UTF-8", identifier] unless parsed.is_a?(Hash)

        channel = parsed["channel"]
        return ["unknown_channel", "unknown channel #{channel.to_s[0, 60].inspect}", identifier] unless ChannelLookup.known?(channel)
        return nil if subscribed.include?(identifier) # ActionCable ignores a repeat; so does the Node server

        cap = P2pStreamsChannel.config.max_subscriptions_per_connection
        return ["too_many_subscriptions", "at most #{cap} subscriptions per connection", identifier] if subscribed.size >= cap

        nil
      end

      # JSON text => its value, or INVALID when it is not JSON, nests deeper than MAX_DEPTH, or holds
      # a string that is not valid UTF-8 (a lone surrogate escape decodes to one).
      def parse(text)
        return INVALID unless text.is_a?(String) && text.valid_encoding?

        value = JSON.parse(text, max_nesting: MAX_DEPTH)
        valid_strings?(value) ? value : INVALID
      rescue JSON::ParserError
        INVALID
      end

      def valid_strings?(value)
        case value
        when String then value.valid_encoding?
        when Hash then value.all? { |key, item| key.valid_encoding? && valid_strings?(item) }
        when Array then value.all? { |item| valid_strings?(item) }
        else true
        end
      end
    end
  end
end
