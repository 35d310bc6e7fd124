require "rails_helper"

# A returning page revalidates the vendored browser modules: unchanged, they cost a 304 and no bytes.
RSpec.describe P2pStreamsChannel::ClientAssets do
  let(:app) { described_class.new(->(_env) { [404, {}, ["app"]] }) }
  let(:request) { Rack::MockRequest.new(app) }

  %w[/p2p/bundle/p2p.js /p2p/vendor/stimulus.js /p2p/vendor/actioncable.js].each do |path|
    it "#{path}: a tag, then 304 without a body for that tag" do
      first = request.get(path)
      expect(first.status).to eq(200)
      expect(first.body.bytesize).to be > 100
      etag = first.headers["ETag"]
      expect(etag).to match(/\A"[A-Za-z0-9_-]{27}"\z/)
      expect(first.headers["Cache-Control"]).to eq("no-cache")
      again = request.get(path, "HTTP_IF_NONE_MATCH" => etag)
      expect(again.status).to eq(304)
      expect(again.headers["ETag"]).to eq(etag)
      expect(again.body).to eq("")
    end
  end

  it "a weak tag, a list holding the tag, and * are matches; HEAD answers the same" do
    etag = request.get("/p2p/bundle/p2p.js").headers["ETag"]
    ["W/#{etag}", %("other", #{etag}), "*"].each do |header|
      expect(request.get("/p2p/bundle/p2p.js", "HTTP_IF_NONE_MATCH" => header).status).to eq(304)
    end
    expect(request.request("HEAD", "/p2p/bundle/p2p.js", "HTTP_IF_NONE_MATCH" => etag).status).to eq(304)
  end

  it "a stale, malformed or oversized If-None-Match gets the whole file" do
    whole = request.get("/p2p/bundle/p2p.js").body
    ['"stale"', "garbage", ",,,", %("#{"x" * 5000}"), "W/", '""'].each do |header|
      response = request.get("/p2p/bundle/p2p.js", "HTTP_IF_NONE_MATCH" => header)
      expect(response.status).to eq(200)
      expect(response.body).to eq(whole)
    end
  end

  it "an app module edited on disk is served anew, with a new tag" do
    file = Rails.root.join("app/javascript/client_assets_spec_tmp.js")
    File.write(file, "export const version = 1\n")
    first = request.get("/p2p/app/client_assets_spec_tmp.js")
    expect(first.body).to include("version = 1")
    File.write(file, "export const version = 2\n")
    File.utime(Time.now + 5, Time.now + 5, file)
    second = request.get("/p2p/app/client_assets_spec_tmp.js", "HTTP_IF_NONE_MATCH" => first.headers["ETag"])
    expect(second.status).to eq(200)
    expect(second.body).to include("version = 2")
    expect(second.headers["ETag"]).not_to eq(first.headers["ETag"])
  ensure
    File.delete(file) if file && File.exist?(file)
  end

  it "leaves every other path and method to the app" do
    expect(request.get("/p2p/nothing.js").body).to eq("app")
    expect(request.post("/p2p/bundle/p2p.js").body).to eq("app")
  end
end
