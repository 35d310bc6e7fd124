require_relative "lib/p2p_streams_channel/version"

Gem::Specification.new do |spec|
  spec.name = "p2p_streams_channel"
  spec.version = P2pStreamsChannel::VERSION
  spec.authors = ["p2p-streams-channel"]
  spec.summary = "One-to-many WebRTC sessions between browsers, with Rails ActionCable as the signaling server."
  spec.description = "The Rails side of p2p-streams-channel: the signaling channel, p2p_frame_tag, generators and the browser client."
  spec.license = "MIT"
  spec.required_ruby_version = ">= 3.0"
  spec.files = Dir["{app,lib,vendor}/**/*", "README.md"]
  spec.require_paths = ["lib"]
  spec.add_dependency "actioncable", ">= 6.1"
  spec.add_dependency "railties", ">= 6.1"
end
