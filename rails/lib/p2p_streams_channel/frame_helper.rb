require "json"
require "action_view"

module P2pStreamsChannel
  # p2p_frame_tag and p2p_importmap_tag, available in every view.
  module FrameHelper
    CONFIG_KEYS = %w[ice_servers ice_transport_policy heartbeat keepCableConnection].freeze

    # The inline script after the frame that opens its signaling socket while the page's modules
    # load; the frame takes it when it starts. The same text as the Node server's PRECONNECT_SCRIPT.
    PRECONNECT_SCRIPT = '(function(f){try{if(customElements.get("p2p-frame"))return;var c=f.getAttribute("cable-url")||(document.querySelector("meta[name=\'action-cable-url\']")||{}).content||"/cable",' \
      'u=new URL(c,location.href);if(u.protocol=="http:")u.protocol="ws:";if(u.protocol=="https:")u.protocol="wss:";' \
      'var s=new WebSocket(u.href,["actioncable-v1-json","actioncable-unsupported"]),m=[];s.onmessage=function(e){m.push(e)};' \
      "f.p2pEarlySocket={socket:s,messages:m,url:u.href}}catch(e){}})(document.currentScript.previousElementSibling)"

    # Renders <p2p-frame> with a fresh join token, as the Node server's p2pFrameTag does, followed by
    # the preconnect script (preconnect: false leaves it out; it carries the request's CSP nonce).
    #   p2p_frame_tag(session_id: dom_id(room), peer_id: dom_id(current_user), config: { … }) { … }
    def p2p_frame_tag(session_id:, peer_id:, config: {}, expires_in: P2pStreamsChannel.config.token_expires_in, preconnect: true, **html_options, &block)
      [session_id, peer_id].each do |id|
        raise ArgumentError, "p2p_frame_tag: session and peer ids must be 1-128 characters of [A-Za-z0-9_.:@-], got #{id.inspect}" unless id.is_a?(String) && ID_PATTERN.match?(id)
      end
      config = (config || {}).deep_stringify_keys
      unknown = config.keys - CONFIG_KEYS
      raise ArgumentError, "p2p_frame_tag: unknown config key #{unknown.first.inspect}; known keys: #{CONFIG_KEYS.join(", ")}" if unknown.any?
      attributes = { "session-id" => session_id, "peer-id" => peer_id }
      attributes["token"] = P2pStreamsChannel.sign_token(session_id: session_id, peer_id: peer_id, expires_in: expires_in) unless P2pStreamsChannel.config.allow_open_joins
      attributes["config"] = config.to_json unless config.empty?
      frame = content_tag("p2p-frame", nil, attributes.merge(html_options), &block)
      return frame unless preconnect
      nonce = respond_to?(:content_security_policy_nonce) ? content_security_policy_nonce : nil
      safe_join([frame, tag.script(PRECONNECT_SCRIPT.html_safe, nonce: nonce)])
    end

    # For apps without importmap-rails or a bundler: the importmap below, then the app's
    # app/javascript/application.js (which `rails g p2p_streams_channel:install` writes). In <head>.
    def p2p_javascript_tags
      safe_join([p2p_importmap_tag, tag.script('import "application"'.html_safe, type: "module")], "\n")
    end

    # <script type="importmap"> mapping "p2p" (and the package's names) to the vendored bundle, and
    # "application" / "controllers" to the app's app/javascript, which the gem serves at /p2p/app/.
    def p2p_importmap_tag
      bundle = "/p2p/bundle/p2p.js"
      imports = {
        "application" => "/p2p/app/application.js",
        "controllers" => "/p2p/app/controllers/index.js",
        "controllers/" => "/p2p/app/controllers/",
        "p2p" => bundle,
        "p2p-streams-channel/browser" => bundle,
        "p2p-streams-channel/client" => bundle,
        "p2p-streams-channel/frame" => bundle,
        "p2p-streams-channel/stimulus" => bundle,
        "@rails/actioncable" => "/p2p/vendor/actioncable.js",
        "@hotwired/stimulus" => "/p2p/vendor/stimulus.js",
      }
      # The bundle and the Stimulus module it imports, fetched at once rather than one after the other.
      preload = [bundle, imports["@hotwired/stimulus"]].map { |href| tag.link(rel: "modulepreload", href: href) }
      safe_join([tag.script({ imports: imports }.to_json.html_safe, type: "importmap"), *preload])
    end
  end
end
