RSpec.describe P2pStreamsChannel::MemoryStore do
  let(:clock) { [0.0] }
  let(:store) { described_class.new(session_ttl: 3600, clock: -> { clock[0] }) }
  let(:limits) { { max_peers: 3, host_lease: 15 } }

  def attach_and_join(*peers)
    peers.map do |peer|
      store.attach("s", peer, "sub-#{peer}")
      store.join("s", peer, "sub-#{peer}", **limits)
    end
  end

  it "makes the first joiner host and the next ones its clients" do
    expect(attach_and_join("a", "b")).to eq([[:host, nil], [:client, "a"]])
  end

  it "elects one host among joins racing in threads" do
    peers = (1..20).map { |i| "p#{i}" }
    peers.each { |peer| store.attach("race", peer, "sub-#{peer}") }
    outcomes = peers.map { |peer| Thread.new { store.join("race", peer, "sub-#{peer}", max_peers: 50, host_lease: 15) } }.map(&:value)
    expect(outcomes.count { |role, _| role == :host }).to eq(1)
  end

  it "refuses joins past max_peers, counting the host" do
    attach_and_join("a", "b", "c")
    store.attach("s", "d", "sub-d")
    expect(store.join("s", "d", "sub-d", **limits)).to eq([:refused, nil])
  end

  it "resets the session when the host detaches" do
    attach_and_join("a", "b")
    expect(store.detach("s", "a", "sub-a")).to be(true)
    expect(store.get("s")[:host_peer_id]).to be_nil
    expect(store.join("s", "b", "sub-b", **limits)).to eq([:host, nil])
  end

  it "replaces a host whose lease lapsed" do
    attach_and_join("a", "b")
    clock[0] += 16
    expect(store.join("s", "b", "sub-b", **limits)).to eq([:host, "a"])
  end

  it "routes only between the host and a joined, attached client, never to oneself's absent peers" do
    attach_and_join("a", "b", "c")
    expect(store.route("s", "a", "b")).to eq(:ok)
    expect(store.route("s", "b", "c")).to eq(:not_host)
    expect(store.route("s", "a", "z")).to eq(:peer_not_found)
    expect(store.route("s", "z", "a")).to eq(:not_joined)
  end

  it "lets the host report only peers that joined" do
    attach_and_join("a")
    expect(store.report_client("s", "a", "ghost", true)).to eq(:not_member)
    expect(store.report_client("s", "b", "a", true)).to eq(:not_host)
  end

  it "forgets idle sessions after the TTL" do
    attach_and_join("a")
    clock[0] += 3601
    expect(store.get("s")).to be_nil
  end
end
