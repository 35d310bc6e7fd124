# Specs that need a running Rails app (channel and system specs) load the gem's dummy app.
ENV["RAILS_ENV"] ||= "production"
ENV["P2P_STREAMS_CHANNEL_SECRET"] ||= "rspec-secret-0123456789"
require_relative "dummy/config/environment"
require "rspec/rails"
