require "openssl"
require "base64"
require "p2p_streams_channel/refused"

module P2pStreamsChannel
  # Join tokens, the same format as the Node server's (docs/protocol.md §3):
  # "v1.<expiry unix seconds>.<base64url HMAC-SHA256 of v1|session|peer|expiry>".
  module JoinToken
    VERSION = "v1"
    # Why a token is refused (missing_token, invalid_token, token_expired).
    Refused = P2pStreamsChannel::Refused

    module_function

    def sign(secret, session_id:, peer_id:, expires_at:)
      check_secret!(secret)
      expiry = expires_at.to_i
      "#{VERSION}.#{expiry}.#{mac(secret, session_id, peer_id, expiry)}"
    end

    # Raises Refused with missing_token, invalid_token or token_expired.
    def verify!(secret, token, session_id:, peer_id:, now: Time.now)
      raise Refused.new("missing_token", "a join token is required") if token.nil? || token == ""
      raise Refused.new("invalid_token", "join token is malformed") unless token.is_a?(String)
      version, expiry_text, signature, *rest = token.split(".", -1)
      unless version == VERSION && expiry_text&.match?(/\A(0|[1-9]\d{0,11})\z/) && signature && rest.empty?
        raise Refused.new("invalid_token", "join token is malformed")
      end
      expected = mac(secret, session_id, peer_id, expiry_text.to_i)
      unless signature.bytesize == expected.bytesize && OpenSSL.fixed_length_secure_compare(signature, expected)
        raise Refused.new("invalid_token", "join token does not match this session and peer")
      end
      raise Refused.new("token_expired", "join token has expired") if expiry_text.to_i <= now.to_i
    end

    def mac(secret, session_id, peer_id, expiry)
      digest = OpenSSL::HMAC.digest("SHA256", secret, "#{VERSION}|#{session_id}|#{peer_id}|#{expiry}")
      Base64.urlsafe_encode64(digest, padding: false)
    end

    def check_secret!(secret)
      raise ArgumentError, "P2pStreamsChannel: the secret must be a string of at least 16 characters" unless secret.is_a?(String) && secret.length >= 16
    end
  end
end
