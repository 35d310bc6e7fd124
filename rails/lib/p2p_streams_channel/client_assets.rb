module P2pStreamsChannel
  # Serves the vendored browser client under /p2p/ (GET and HEAD only), so a page without a build
  # step can `import { P2pController } from "p2p"` through p2p_importmap_tag.
  class ClientAssets
    ROOT = File.expand_path("../../vendor/javascript", __dir__)
    FILES = {
      "/p2p/bundle/p2p.js" => "p2p.js",
    "/p2p/bundle/p2p.js.map" => "p2p.js.map",
      "/p2p/vendor/actioncable.js" => "actioncable.esm.js",
      "/p2p/vendor/stimulus.js" => "stimulus.js",
    }.freeze

    def initialize(app)
      @app = app
    end

    def call(env)
      file = FILES[env["PATH_INFO"]]
      return @app.call(env) unless file && %w[GET HEAD].include?(env["REQUEST_METHOD"])
      body = File.binread(File.join(ROOT, file))
      headers = { "Content-Type" => "text/javascript; charset=utf-8", "Cache-Control" => "no-cache", "Content-Length" => body.bytesize.to_s }
      [200, headers, env["REQUEST_METHOD"] == "HEAD" ? [] : [body]]
    end
  end
end
