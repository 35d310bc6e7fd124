require "action_view"
require "p2p_streams_channel/frame_helper"

RSpec.describe P2pStreamsChannel::FrameHelper do
  let(:view) { ActionView::Base.empty.extend(described_class) }
  let(:secret) { "helper-secret-0123456789" }

  around do |example|
    previous = P2pStreamsChannel.config.secret
    P2pStreamsChannel.config.secret = secret
    example.run
  ensure
    P2pStreamsChannel.config.secret = previous
  end

  it "renders <p2p-frame> with ids, a token for them, the config as JSON, and the block inside" do
    html = view.p2p_frame_tag(session_id: "chat_room_1", peer_id: "user_1", config: { keepCableConnection: true }, class: "room") { "<div data-controller=\"chat\"></div>".html_safe }
    fragment = html.to_s
    expect(fragment).to start_with('<p2p-frame session-id="chat_room_1" peer-id="user_1" token="v1.')
    expect(fragment).to include('config="{&quot;keepCableConnection&quot;:true}"', 'class="room"', '<div data-controller="chat"></div></p2p-frame>')
    token = fragment[/token="([^"]+)"/, 1]
    expect { P2pStreamsChannel::JoinToken.verify!(P2pStreamsChannel.secret, token, session_id: "chat_room_1", peer_id: "user_1") }.not_to raise_error
  end

  it "follows the frame with the script that opens its signaling socket early, unless preconnect: false" do
    html = view.p2p_frame_tag(session_id: "s", peer_id: "p").to_s
    expect(html).to match(%r{\A<p2p-frame session-id="s" peer-id="p" token="v1\.[^"]+"></p2p-frame><script>\(function\(f\)})
    expect(html).to end_with("(document.currentScript.previousElementSibling)</script>")
    expect(view.p2p_frame_tag(session_id: "s", peer_id: "p", preconnect: false).to_s).to match(%r{\A<p2p-frame [^>]+></p2p-frame>\z})
  end

  it "carries the request's CSP nonce on that script" do
    view.define_singleton_method(:content_security_policy_nonce) { "n0nce" }
    expect(view.p2p_frame_tag(session_id: "s", peer_id: "p").to_s).to include('</p2p-frame><script nonce="n0nce">(function(f)')
  end

  it "refuses ids the protocol refuses, and config keys the client would refuse" do
    expect { view.p2p_frame_tag(session_id: "has space", peer_id: "p") }.to raise_error(ArgumentError, /1-128 characters/)
    expect { view.p2p_frame_tag(session_id: "s", peer_id: "p", config: { iceServers: [] }) }.to raise_error(ArgumentError, /unknown config key "iceServers"/)
  end

  it "maps \"p2p\" to the vendored bundle in its importmap" do
    expect(view.p2p_importmap_tag.to_s).to include('"p2p":"/p2p/bundle/p2p.js"', '"controllers/":"/p2p/app/controllers/"')
  end
end
