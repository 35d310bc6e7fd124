require "rails_helper"

RSpec.describe P2pStreamsChannel::FrameGuard do
  # One layer alone: a stand-in for ActionCable's connection with the guard prepended.
  let(:connection_class) do
    Class.new do
      attr_reader :executed, :sent
      def initialize(subscribed = [])
        @executed = []
        @sent = []
        @subscribed = subscribed
      end
      def dispatch_websocket_message(_) = raise("the guard handles every frame of a live socket")
      def websocket = Struct.new(:alive?).new(true)
      def subscriptions = Struct.new(:identifiers, :log) { def execute_command(frame) = log << [:execute_command, frame] }.new(@subscribed, @executed)
      def logger = Logger.new(nil)
      def transmit(frame) = @sent << frame
      prepend P2pStreamsChannel::FrameGuard
    end
  end
  let(:identifier) { { channel: "P2pStreamsChannel::SignalingChannel", session_id: "s", peer_id: "p" }.to_json }

  it "hands a valid frame to ActionCable parsed once" do
    connection = connection_class.new
    connection.dispatch_websocket_message({ command: "subscribe", identifier: identifier }.to_json)
    expect(connection.executed).to eq([[:execute_command, { "command" => "subscribe", "identifier" => identifier }]])
  end

  it "goes through handle_channel_command where the connection has it (Rails 7.1+, command callbacks)" do
    with_callbacks = Class.new(connection_class) do
      private def handle_channel_command(frame) = executed << [:handle_channel_command, frame]
    end
    connection = with_callbacks.new
    connection.dispatch_websocket_message({ command: "subscribe", identifier: identifier }.to_json)
    expect(connection.executed.map(&:first)).to eq([:handle_channel_command])
  end

  {
    "not JSON" => ["{nope", nil],
    "an array" => ["[1]", nil],
    "an unknown command" => [{ command: "eval", identifier: "x" }.to_json, nil],
    "a message for an identifier not subscribed" => [:unsubscribed_message, "unknown_subscription"],
  }.each do |what, (frame, code)|
    it "refuses #{what} without reaching ActionCable#{code ? ", answering #{code} on the identifier" : ", answering nothing"}" do
      connection = connection_class.new
      frame = { command: "message", identifier: identifier, data: "{}" }.to_json if frame == :unsubscribed_message
      connection.dispatch_websocket_message(frame)
      expect(connection.executed).to be_empty
      expect(connection.sent.map { |sent| sent.dig(:message, :code) }).to eq(code ? [code] : [])
    end
  end

  it "rejects a subscription to a channel that does not exist, without loading what the name names" do
    connection = connection_class.new
    %w[Kernel ActiveSupport::Cache::MemCacheStore ActionCable::Channel::Base ApplicationCable::Channel].each do |name|
      connection.dispatch_websocket_message({ command: "subscribe", identifier: { channel: name }.to_json }.to_json)
    end
    expect(connection.sent.select { |frame| frame[:type] == "reject_subscription" }.map { |frame| frame[:reason] }).to eq(["unknown_channel"] * 4)
    expect($LOADED_FEATURES.grep(/mem_cache_store/)).to be_empty
  end

  it "refuses a string that is not valid UTF-8 (a lone surrogate escape) before anything reads it" do
    connection = connection_class.new
    identifier = '{"channel":"P2pStreamsChannel::SignalingChannel","session_id":"s\udc00","peer_id":"p"}'
    connection.dispatch_websocket_message({ command: "subscribe", identifier: identifier }.to_json)
    expect(connection.executed).to be_empty
  end

  it "refuses a subscription past config.max_subscriptions_per_connection, answering on its identifier" do
    connection = connection_class.new(Array.new(16) { |i| "held-#{i}" })
    connection.dispatch_websocket_message({ command: "subscribe", identifier: identifier }.to_json)
    expect(connection.executed).to be_empty
    expect(connection.sent.map { |frame| frame[:reason] || frame.dig(:message, :code) }).to eq(%w[too_many_subscriptions too_many_subscriptions])
  end
end
