require "digest"

module P2pStreamsChannel
  # Serves, under /p2p/ (GET and HEAD only), the vendored browser client and — for apps without a
  # build step or importmap-rails — the app's own app/javascript/**/*.js at /p2p/app/, so pages can
  # `import { P2pController } from "p2p"` through p2p_javascript_tags.
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
      @assets = {} # path => [mtime, body, etag]: read and hashed once per version of the file
    end

    # "controllers/chat_controller" maps, through the importmap's "controllers/" prefix, to a URL without ".js".
    APP_MODULE = %r{\A/p2p/app/((?:[A-Za-z0-9_-]+/)*[A-Za-z0-9_-]+)(?:\.js)?\z}

    def call(env)
      return @app.call(env) unless %w[GET HEAD].include?(env["REQUEST_METHOD"])
      file = resolve(env["PATH_INFO"].to_s)
      return @app.call(env) unless file && File.file?(file)
      body, etag = asset(file)
      # Revalidated on every load; unchanged, it costs a 304 and the browser keeps its copy (and the
      # code it compiled from it).
      return [304, { "ETag" => etag, "Cache-Control" => "no-cache" }, []] if etag_matches?(env["HTTP_IF_NONE_MATCH"], etag)
      type = file.end_with?(".map") ? "application/json" : "text/javascript; charset=utf-8"
      headers = { "Content-Type" => type, "Cache-Control" => "no-cache", "ETag" => etag, "Content-Length" => body.bytesize.to_s }
      [200, headers, env["REQUEST_METHOD"] == "HEAD" ? [] : [body]]
    end

    private

    def asset(file)
      mtime = File.mtime(file)
      cached = @assets[file]
      return cached.drop(1) if cached && cached[0] == mtime
      body = File.binread(file)
      etag = %("#{Digest::SHA256.base64digest(body).tr("+/", "-_").delete("=")[0, 27]}")
      @assets[file] = [mtime, body, etag]
      [body, etag]
    end

    # If-None-Match: *, or a list of (possibly weak) tags, one of which is this one.
    def etag_matches?(header, etag)
      return false if header.nil? || header.empty? || header.bytesize > 4096
      header.split(",").any? { |tag| tag = tag.strip; tag == "*" || tag == etag || tag == "W/#{etag}" }
    end

    def resolve(path)
      return File.join(ROOT, FILES[path]) if FILES.key?(path)
      match = APP_MODULE.match(path)
      match && defined?(Rails) && Rails.root && File.join(Rails.root, "app/javascript", "#{match[1]}.js")
    end
  end
end
