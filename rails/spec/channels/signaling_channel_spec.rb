require "rails_helper"

# The channel through ActionCable's own channel test harness: each peer is a stubbed connection
# with a real subscription; what the channel broadcasts lands in the test adapter, and `deliver`
# hands it to the subscriptions streaming from it, as ActionCable's pub/sub would.
RSpec.describe P2pStreamsChannel::SignalingChannel, type: :channel do
  let(:session) { "room-#{SecureRandom.hex(4)}" }
  let(:config) { P2pStreamsChannel.config }

  def peer(peer_id, session_id: session, token: :signed, **extra)
    stub_connection
    token = P2pStreamsChannel.sign_token(session_id: session_id, peer_id: peer_id) if token == :signed
    subscribe(session_id: session_id, peer_id: peer_id, token: token, **extra)
  end

  # Peers subscribed and joined, in order (the first is the host), with what was broadcast delivered.
  def joined(*ids)
    subscriptions = ids.map { |id| peer(id) }
    subscriptions.each { |subscription| say(subscription, "SessionJoin") }
    deliver(*subscriptions)
    subscriptions
  end

  def say(subscription, state, fields = {})
    subscription.perform_action({ "action" => "receive", "type" => "Connection", "state" => state }.merge(fields))
  end

  def heard(subscription)
    subscription.connection.transmissions.filter_map { |frame| frame["message"] }
  end

  def errors(subscription)
    heard(subscription).select { |message| message["state"] == "Error" }.map { |message| message["code"] }
  end

  def deliver(*subscriptions)
    streams = subscriptions.flat_map(&:streams).uniq
    streams.each do |stream|
      envelopes = broadcasts(stream).map { |json| JSON.parse(json) }
      clear_messages(stream)
      receivers = subscriptions.select { |subscription| subscription.streams.include?(stream) }
      envelopes.each { |envelope| receivers.each { |subscription| subscription.send(:on_envelope, envelope) } }
    end
  end

  def closes_of(subscription)
    closed = []
    subscription.connection.define_singleton_method(:close) { |**options| closed << options }
    closed
  end

  def with_config(**options)
    previous = options.keys.to_h { |key| [key, config.public_send(key)] }
    options.each { |key, value| config.public_send("#{key}=", value) }
    yield
  ensure
    previous.each { |key, value| config.public_send("#{key}=", value) }
  end

  describe "subscribing" do
    it "confirms a peer with a token for its session and id, streaming from the session and from its own peer stream" do
      ann = peer("ann")
      expect(ann).to be_confirmed
      expect(ann.streams).to contain_exactly("p2p:session:#{session}", P2pStreamsChannel.peer_stream(session, "ann"))
    end

    {
      "no token" => [{ token: nil }, "missing_token"],
      "another peer's token" => [{ token: :bens }, "invalid_token"],
      "garbage for a token" => [{ token: "v1.x.y" }, "invalid_token"],
      "a peer id with a space" => [{ peer_id: "ann smith" }, "bad_identifier"],
      "a session id of 129 characters" => [{ session_id: "s" * 129 }, "bad_identifier"],
    }.each do |what, (change, code)|
      it "rejects #{what} with #{code}, said before the rejection" do
        session_id = change.fetch(:session_id, session)
        peer_id = change.fetch(:peer_id, "ann")
        token = change.fetch(:token, :signed)
        token = P2pStreamsChannel.sign_token(session_id: session, peer_id: "ben") if token == :bens
        subscription = peer(peer_id, session_id: session_id, token: token)
        expect(subscription).to be_rejected
        expect(subscription.streams).to be_empty
        expect(errors(subscription)).to eq([code])
      end
    end

    it "evicts the older subscription when a second one speaks for the same peer" do
      first = peer("ann")
      second = peer("ann")
      deliver(first, second)
      expect(errors(first)).to eq(["peer_replaced"])
      expect(first.streams).to be_empty
      expect(errors(second)).to be_empty
      say(first, "SessionJoin")
      expect(errors(first)).to eq(%w[peer_replaced unknown_subscription])
    end
  end

  describe "joining" do
    it "makes the first joiner host and tells a later joiner and the host who is who" do
      ann, ben = joined("ann", "ben")
      ready = { "type" => "Connection", "state" => "SessionReady" }
      expect(heard(ann)).to eq([ready.merge("host_peer_id" => "ann", "peer_id" => "ann"), ready.merge("host_peer_id" => "ann", "peer_id" => "ben")])
      expect(heard(ben)).to eq([ready.merge("host_peer_id" => "ann", "peer_id" => "ben")])
    end

    it "joins with the subscription when the identifier says join: true, confirming first" do
      ann = peer("ann", join: true)
      ben = peer("ben", join: true)
      deliver(ann, ben)
      expect(ben.connection.transmissions.first).to include("type" => "confirm_subscription")
      expect(heard(ben)).to eq([{ "type" => "Connection", "state" => "SessionReady", "host_peer_id" => "ann", "peer_id" => "ben" }])
      expect(heard(ann).map { |message| message["peer_id"] }).to eq(%w[ann ben])
    end

    it "probes the lost host named in a joining identifier, and refuses a malformed one with bad_identifier" do
      ann, = joined("ann", "ben")
      peer("ben", join: true, lost_host_peer_id: "ann")
      deliver(ann)
      expect(heard(ann).last(2).map { |message| message["state"] }).to eq(%w[Probe SessionReady])
      [{ join: "yes" }, { lost_host_peer_id: "ann" }, { join: true, lost_host_peer_id: "ann smith" }].each do |extra|
        subscription = peer("cat", **extra)
        expect(subscription).to be_rejected
        expect(errors(subscription)).to eq(["bad_identifier"])
      end
    end

    it "says session_full to a peer joining with its subscription past max_peers_per_session, subscribed all the same" do
      with_config(max_peers_per_session: 1) do
        peer("ann", join: true)
        ben = peer("ben", join: true)
        expect(ben).to be_confirmed
        expect(errors(ben)).to eq(["session_full"])
      end
    end

    it "refuses a joiner past max_peers_per_session with session_full, the host counted" do
      with_config(max_peers_per_session: 2) do
        peers = %w[ann ben cat].map { |id| peer(id) }
        peers.each { |subscription| say(subscription, "SessionJoin") }
        expect(errors(peers[2])).to eq(["session_full"])
        expect(peers.take(2).flat_map { |subscription| errors(subscription) }).to be_empty
      end
    end

    it "resets the session when the host's subscription ends" do
      ann, ben = joined("ann", "ben")
      ann.unsubscribe_from_channel
      deliver(ben)
      expect(heard(ben).last).to eq("type" => "Connection", "state" => "SessionReset", "host_peer_id" => "ann", "reason" => "host_left")
      cat = peer("cat")
      say(ben, "SessionJoin")
      say(cat, "SessionJoin")
      expect(heard(ben).last).to include("state" => "SessionReady", "host_peer_id" => "ben")
      expect(heard(cat).last).to include("state" => "SessionReady", "host_peer_id" => "ben")
    end
  end

  describe "relaying SDP and ICE" do
    let!(:peers) { joined("ann", "ben", "cat") }
    let(:ann) { peers[0] }
    let(:ben) { peers[1] }
    let(:cat) { peers[2] }

    before { peers.each { |subscription| subscription.connection.transmissions.clear } }

    it "sends an offer only to the addressed peer, stamped with the real sender and stripped of extra fields" do
      sdp = { "type" => "offer", "sdp" => "v=0\r\n", "extra" => "x" * 10 }
      say(ben, "SdpOffer", "to_peer_id" => "ann", "peer_id" => "cat", "sdp" => sdp, "note" => "forged")
      deliver(ann, ben, cat)
      expect(heard(ann)).to eq([{ "type" => "Connection", "state" => "SdpOffer", "peer_id" => "ben", "to_peer_id" => "ann", "sdp" => { "type" => "offer", "sdp" => "v=0\r\n" } }])
      expect(heard(ben)).to be_empty
      expect(heard(cat)).to be_empty
    end

    it "relays an ICE candidate from the host to one client, and the end-of-candidates null" do
      candidate = { "candidate" => "candidate:1 1 udp 1 127.0.0.1 5000 typ host", "sdpMid" => "0", "sdpMLineIndex" => 0 }
      say(ann, "IceCandidate", "to_peer_id" => "cat", "candidate" => candidate)
      say(ann, "IceCandidate", "to_peer_id" => "cat", "candidate" => nil)
      deliver(ann, ben, cat)
      expect(heard(cat).map { |message| message["candidate"] }).to eq([candidate, nil])
      expect(heard(ben)).to be_empty
    end

    {
      "a client signaling another client" => [:ben, { "state" => "SdpOffer", "to_peer_id" => "cat", "sdp" => { "type" => "offer", "sdp" => "" } }, "not_host"],
      "a peer signaling itself" => [:ann, { "state" => "SdpAnswer", "to_peer_id" => "ann", "sdp" => { "type" => "answer", "sdp" => "" } }, "bad_message"],
      "an offer to a peer not in the session" => [:ann, { "state" => "SdpOffer", "to_peer_id" => "zed", "sdp" => { "type" => "offer", "sdp" => "" } }, "peer_not_found"],
      "an sdp of an unknown type" => [:ben, { "state" => "SdpOffer", "to_peer_id" => "ann", "sdp" => { "type" => "evil", "sdp" => "" } }, "bad_message"],
      "an sdp that is a string" => [:ben, { "state" => "SdpOffer", "to_peer_id" => "ann", "sdp" => "v=0" }, "bad_message"],
      "a candidate without a candidate string" => [:ben, { "state" => "IceCandidate", "to_peer_id" => "ann", "candidate" => { "candidate" => 7 } }, "bad_message"],
      "a to_peer_id that is not an id" => [:ben, { "state" => "SdpOffer", "to_peer_id" => ["ann"], "sdp" => { "type" => "offer", "sdp" => "" } }, "bad_message"],
      "an unknown state" => [:ben, { "state" => "Shutdown" }, "unknown_message"],
      "a client reporting connections" => [:ben, { "state" => "PeerConnected", "client_peer_id" => "cat" }, "not_host"],
    }.each do |what, (sender, fields, code)|
      it "refuses #{what} with #{code}, delivering nothing" do
        subscription = { ann: ann, ben: ben }.fetch(sender)
        say(subscription, fields.delete("state"), fields)
        deliver(ann, ben, cat)
        expect(errors(subscription)).to eq([code])
        expect([ann, ben, cat].flat_map { |other| heard(other) }.reject { |message| message["state"] == "Error" }).to be_empty
      end
    end

    it "refuses signals from a peer that has not joined with not_joined" do
      dan = peer("dan")
      say(dan, "SdpOffer", "to_peer_id" => "ann", "sdp" => { "type" => "offer", "sdp" => "" })
      expect(errors(dan)).to eq(["not_joined"])
    end

    it "refuses what is not a Connection message, and goes on serving the same peer" do
      ben.perform_action("action" => "receive", "type" => "Chat", "state" => "SdpOffer")
      ben.perform_action("action" => "unsubscribed")
      expect(errors(ben)).to eq(%w[unknown_message unknown_message])
      say(ben, "SdpOffer", "to_peer_id" => "ann", "sdp" => { "type" => "offer", "sdp" => "" })
      deliver(ann)
      expect(heard(ann).map { |message| message["state"] }).to eq(["SdpOffer"])
    end
  end

  describe "a lost host" do
    it "probes the host a client reports lost and drops its connection when no ProbeAck comes" do
      with_config(probe_timeout: 0.2) do
        ann, ben = joined("ann", "ben")
        closed = closes_of(ann)
        say(ben, "SessionJoin", "lost_host_peer_id" => "ann")
        deliver(ann, ben)
        expect(heard(ann)).to include("type" => "Connection", "state" => "Probe")
        sleep 0.5
        expect(closed).to eq([{ reason: "remote", reconnect: true }])
      end
    end

    it "keeps a host that answers the probe" do
      with_config(probe_timeout: 0.2) do
        ann, ben = joined("ann", "ben")
        closed = closes_of(ann)
        say(ben, "SessionJoin", "lost_host_peer_id" => "ann")
        deliver(ann, ben)
        say(ann, "ProbeAck")
        sleep 0.5
        expect(closed).to be_empty
      end
    end
  end

  it "leaves other sessions untouched by a peer's refused messages" do
    ann = peer("ann")
    ben = peer("ben", session_id: "#{session}-other")
    say(ann, "SessionJoin")
    say(ben, "SessionJoin")
    say(ben, "SdpOffer", "to_peer_id" => "ann", "sdp" => { "type" => "offer", "sdp" => "" })
    deliver(ann, ben)
    expect(errors(ben)).to eq(["peer_not_found"])
    expect(heard(ann)).to eq([{ "type" => "Connection", "state" => "SessionReady", "host_peer_id" => "ann", "peer_id" => "ann" }])
  end
end
