require "system_helper"
require "rails/generators"
require "generators/p2p_streams_channel/install/install_generator"
require "generators/p2p_streams_channel/controller/controller_generator"
require "tmpdir"
require "fileutils"

RSpec.describe "the generators" do
  around do |example|
    Dir.mktmpdir do |dir|
      @root = dir
      FileUtils.mkdir_p(File.join(dir, "app/views/layouts"))
      File.write(File.join(dir, "app/views/layouts/application.html.erb"), "<html>\n  <head>\n    <title>app</title>\n  </head>\n</html>\n")
      example.run
    end
  end

  def generate(generator, *args)
    output = StringIO.new
    $stdout, original = output, $stdout
    generator.start(args, destination_root: @root)
    output.string
  ensure
    $stdout = original
  end

  def read(path) = File.read(File.join(@root, path))

  it "install writes the initializer with every option, the JavaScript wiring and the layout tags, and changes nothing the second time" do
    first = generate(P2pStreamsChannel::Generators::InstallGenerator)
    expect(first).to include("create  config/initializers/p2p_streams_channel.rb", "create  app/javascript/controllers/index.js", "insert  app/views/layouts/application.html.erb")
    P2pStreamsChannel::Configuration.new.instance_variables.map { |name| name.to_s.delete("@") }.each do |option|
      expect(read("config/initializers/p2p_streams_channel.rb")).to include("# config.#{option} = ")
    end
    expect(read("app/views/layouts/application.html.erb")).to include("<%= p2p_javascript_tags %>\n  </head>")
    second = generate(P2pStreamsChannel::Generators::InstallGenerator)
    expect(second).not_to match(/\b(create|insert|append)\b/)
  end

  it "install pins \"p2p\" in an importmap-rails app instead of adding tags" do
    FileUtils.mkdir_p(File.join(@root, "config"))
    File.write(File.join(@root, "config/importmap.rb"), %(pin "application"\n))
    generate(P2pStreamsChannel::Generators::InstallGenerator)
    expect(read("config/importmap.rb")).to include(%(pin "p2p", to: "p2p.js"))
    expect(read("app/views/layouts/application.html.erb")).not_to include("p2p_javascript_tags")
  end

  it "controller writes the seed's controller and registers it in the index install wrote" do
    generate(P2pStreamsChannel::Generators::InstallGenerator)
    generate(P2pStreamsChannel::Generators::ControllerGenerator, "chat_room")
    controller = read("app/javascript/controllers/chat_room_controller.js")
    expect(controller).to include(%(import { P2pController } from "p2p"), "export default class extends P2pController", "p2pReceivedMessage(message)")
    expect(read("app/javascript/controllers/index.js")).to include(%(application.register("chat-room", ChatRoomController)))
  end
end
