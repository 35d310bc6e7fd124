$LOAD_PATH.unshift(File.expand_path("../lib", __dir__))
# Rails first, as in an app: the gem brings its engine (helpers, assets, frame guard) only then.
require "rails"
require "p2p_streams_channel"

RSpec.configure do |config|
  config.expect_with(:rspec) { |expectations| expectations.include_chain_clauses_in_custom_matcher_descriptions = true }
  config.disable_monkey_patching!
  config.order = :random
end
