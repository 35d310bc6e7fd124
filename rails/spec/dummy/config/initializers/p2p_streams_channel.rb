P2pStreamsChannel.configure do |config|
  config.store = ENV["P2P_STREAMS_CHANNEL_STORE"] || :memory
end

# Tests start the dummy with other limits: P2P_MAX_PEERS, and P2P_CONFIG, a JSON object of options.
P2pStreamsChannel.config.max_peers_per_session = Integer(ENV["P2P_MAX_PEERS"]) if ENV["P2P_MAX_PEERS"]
JSON.parse(ENV.fetch("P2P_CONFIG", "{}")).each { |name, value| P2pStreamsChannel.config.public_send("#{name}=", value) }
