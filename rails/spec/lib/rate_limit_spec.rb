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
