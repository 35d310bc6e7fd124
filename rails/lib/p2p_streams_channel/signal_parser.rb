# frozen_string_literal: true

module P2pStreamsChannel
  # A peer's signaling message (docs/protocol.md §4), checked field by field before any logic sees
  # it, as the Node server's parser checks it: unknown states and wrong types are refused with a
  # code (Refused), and an ICE candidate keeps only its fields of the right type.
  module SignalParser
    STATES = %w[SessionJoin SessionLeave SdpOffer SdpAnswer IceCandidate PeerConnected PeerDisconnected ProbeAck].freeze
    SDP_TYPES = %w[offer answer pranswer rollback].freeze
    Refusal = P2pStreamsChannel::Refused

    class << self
      # => the message, its sdp or candidate narrowed to their fields; raises Refused.
      def parse(data)
        raise Refusal.new("bad_message", "message data must be a JSON object") unless data.is_a?(Hash)
        action = data["action"]
        raise Refusal.new("unknown_message", "the only action is \"receive\"") unless action.nil? || action == "receive"
        raise Refusal.new("unknown_message", "message type must be \"Connection\"") unless data["type"] == "Connection"
        state = data["state"]
        raise Refusal.new("unknown_message", "unknown Connection state \"#{state.to_s[0, 40]}\"") unless STATES.include?(state)
        case state
        when "SessionJoin"
          peer_field(data, "lost_host_peer_id") unless data["lost_host_peer_id"].nil?
        when "SdpOffer", "SdpAnswer"
          peer_field(data, "to_peer_id")
          sdp = data["sdp"]
          unless sdp.is_a?(Hash) && SDP_TYPES.include?(sdp["type"]) && (sdp["sdp"].nil? || sdp["sdp"].is_a?(String))
            raise Refusal.new("bad_message", "sdp must be {type: offer|answer|pranswer|rollback, sdp: string}")
          end
          data["sdp"] = sdp.slice("type", "sdp")
        when "IceCandidate"
          peer_field(data, "to_peer_id")
          candidate = data["candidate"]
          unless candidate.nil? || (candidate.is_a?(Hash) && candidate["candidate"].is_a?(String))
            raise Refusal.new("bad_message", "candidate must be null or {candidate: string, sdpMid, sdpMLineIndex}")
          end
          data["candidate"] = candidate && ice_candidate(candidate)
        when "PeerConnected", "PeerDisconnected"
          peer_field(data, "client_peer_id")
        end
        data
      end

      # The candidate's fields of the right type, as the Node server keeps them; others are dropped.
      def ice_candidate(candidate)
        init = { "candidate" => candidate["candidate"] }
        %w[sdpMid usernameFragment].each { |key| init[key] = candidate[key] if candidate.key?(key) && (candidate[key].nil? || candidate[key].is_a?(String)) }
        index = candidate["sdpMLineIndex"]
        init["sdpMLineIndex"] = index if candidate.key?("sdpMLineIndex") && (index.nil? || (index.is_a?(Numeric) && index.finite?))
        init
      end

      def peer_field(data, field)
        value = data[field]
        raise Refusal.new("bad_message", "#{field} must be a peer id") unless value.is_a?(String) && ID_PATTERN.match?(value)
      end
    end
  end
end
