# System specs: the dummy app under Capybara's puma, driven in Debian's Chromium through chromedriver.
require "rails_helper"
require "capybara/rspec"
require "selenium-webdriver"

Capybara.register_driver(:p2p_chromium) do |app|
  options = Selenium::WebDriver::Chrome::Options.new
  options.binary = "/usr/bin/chromium"
  %w[--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update
     --disable-sync --allow-loopback-in-peer-connection --use-fake-ui-for-media-stream --use-fake-device-for-media-stream
     --disable-features=WebRtcHideLocalIpsWithMdns].each { |arg| options.add_argument(arg) }
  service = Selenium::WebDriver::Service.chrome(path: "/usr/bin/chromedriver")
  Capybara::Selenium::Driver.new(app, browser: :chrome, options: options, service: service)
end
Capybara.app = Rails.application
Capybara.server = :puma, { Silent: true }
Capybara.default_driver = :p2p_chromium
Capybara.default_max_wait_time = 15
