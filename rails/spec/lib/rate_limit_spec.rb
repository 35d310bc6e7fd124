RSpec.describe P2pStreamsChannel::RateLimit do
  let(:clock) { [0.0] }
  let(:limit) { described_class.new(10, 5, clock: -> { clock[0] }) }

  it "takes a burst, then drops — telling once a second — and disconnects a client that keeps on" do
    expect(Array.new(5) { limit.take }).to all(eq(:ok))
    expect(limit.take).to eq(:notify)
    expect(Array.new(4) { limit.take }).to all(eq(:dropped))
    expect(limit.take).to eq(:disconnect)
  end

  it "refills at its rate, and forgives drops after a quiet second" do
    6.times { limit.take }
    clock[0] += 2
    expect(Array.new(5) { limit.take }).to all(eq(:ok))
    expect(limit.take).to eq(:notify)
  end
end

RSpec.describe P2pStreamsChannel::Configuration do
  it "names the first option that cannot work" do
    config = described_class.new
    expect(config.validate!).to be(config)
    config.max_payload = 0
    expect { config.validate! }.to raise_error(ArgumentError, /config.max_payload must be a positive number/)
    config = described_class.new
    config.host_lease = 2
    expect { config.validate! }.to raise_error(ArgumentError, /host_lease must be longer than config.lease_renewal_interval/)
    config = described_class.new
    config.secret = "short"
    expect { config.validate! }.to raise_error(ArgumentError, /at least 16 characters/)
  end
end

RSpec.describe P2pStreamsChannel::RefusalLog do
  it "writes one short printable line per refusal, whatever the client sent" do
    line = described_class.escape("a\nforged line\u2028#{"x" * 1000}\xff".b)
    expect(line).not_to match(/[\n\u2028]/)
    expect(line).to start_with("a\\u000aforged line\\u2028x")
    expect(line.length).to be <= 301
  end

  it "holds back lines past its budget and says how many" do
    log = described_class.new(1, 2)
    lines = []
    logger = Struct.new(:lines) { def warn(line) = lines << line }.new(lines)
    5.times { log.warn(logger, "bad_message", "no") }
    sleep 1.1
    log.warn(logger, "bad_message", "again")
    expect(lines.grep(/refused \(bad_message\)/).size).to eq(3)
    expect(lines).to include("p2p_streams_channel: 3 more refusals not logged (log rate limit)")
  end
end
