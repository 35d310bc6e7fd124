RSpec.describe P2pStreamsChannel::JoinToken do
  let(:secret) { "spec-secret-0123456789" }
  let(:later) { Time.now.to_i + 600 }

  it "signs v1.<expiry>.<base64url HMAC> over v1|session|peer|expiry, as the protocol says" do
    token = described_class.sign(secret, session_id: "room", peer_id: "ann", expires_at: later)
    mac = Base64.urlsafe_encode64(OpenSSL::HMAC.digest("SHA256", secret, "v1|room|ann|#{later}"), padding: false)
    expect(token).to eq("v1.#{later}.#{mac}")
  end

  it "accepts its own token for the same session and peer" do
    token = described_class.sign(secret, session_id: "room", peer_id: "ann", expires_at: later)
    expect { described_class.verify!(secret, token, session_id: "room", peer_id: "ann") }.not_to raise_error
  end

  {
    "no token" => [nil, "missing_token"],
    "another peer's token" => [:other_peer, "invalid_token"],
    "another secret" => [:other_secret, "invalid_token"],
    "an expired token" => [:expired, "token_expired"],
    "a zero-padded expiry" => [:padded, "invalid_token"],
    "a foreign version" => ["v2.1.AAAA", "invalid_token"],
    "extra parts" => [:extra, "invalid_token"],
  }.each do |what, (kind, code)|
    it "refuses #{what} with #{code}" do
      token =
        case kind
        when :other_peer then described_class.sign(secret, session_id: "room", peer_id: "ben", expires_at: later)
        when :other_secret then described_class.sign("another-secret-0123456789", session_id: "room", peer_id: "ann", expires_at: later)
        when :expired then described_class.sign(secret, session_id: "room", peer_id: "ann", expires_at: Time.now.to_i - 1)
        when :padded then described_class.sign(secret, session_id: "room", peer_id: "ann", expires_at: later).sub("v1.", "v1.0")
        when :extra then "#{described_class.sign(secret, session_id: "room", peer_id: "ann", expires_at: later)}.x"
        else kind
        end
      expect { described_class.verify!(secret, token, session_id: "room", peer_id: "ann") }
        .to raise_error(P2pStreamsChannel::JoinToken::Refused) { |error| expect(error.code).to eq(code) }
    end
  end

  it "refuses to sign with a secret the server would refuse" do
    expect { described_class.sign("short", session_id: "s", peer_id: "p", expires_at: later) }.to raise_error(ArgumentError, /at least 16 characters/)
  end
end
