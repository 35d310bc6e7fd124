# frozen_string_literal: true

module P2pStreamsChannel
  # Decides whether an HTTP request to the cable may become a connection, as the Node server's
  # upgrade gate does. => nil, or [status, code, message]
  module UpgradeCheck
    PROTOCOL = "actioncable-v1-json"

    class << self
      def refusal(env, cable_config)
        return nil unless ::WebSocket::Driver.websocket?(env)
        return [403, "origin_not_allowed", "origin #{env['HTTP_ORIGIN'].to_s[0, 200]} is not allowed"] unless origin_allowed?(env, cable_config)
        return [400, "unsupported_protocol", "the client must speak WebSocket version 13"] unless env["HTTP_SEC_WEBSOCKET_VERSION"] == "13"

        offered = env["HTTP_SEC_WEBSOCKET_PROTOCOL"].to_s.split(",").map(&:strip)
        return [400, "unsupported_protocol", "the client must offer the #{PROTOCOL} subprotocol"] unless offered.include?(PROTOCOL)

        nil
      end

      # ActionCable's own rule (Connection::Base#allow_request_origin?), without its log line per refusal.
      def origin_allowed?(env, cable_config)
        return true if cable_config.disable_request_forgery_protection

        origin = env["HTTP_ORIGIN"]
        proto = Rack::Request.new(env).ssl? ? "https" : "http"
        return true if cable_config.allow_same_origin_as_host && origin == "#{proto}://#{env['HTTP_HOST']}"

        Array(cable_config.allowed_request_origins).any? { |allowed| allowed === origin } # rubocop:disable Style/CaseEquality
      end
    end
  end
end
