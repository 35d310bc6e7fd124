require "rails/generators"

module P2pStreamsChannel
  module Generators
    # rails g p2p_streams_channel:controller NAME — app/javascript/controllers/NAME_controller.js, a
    # Stimulus controller extending P2pController with every callback stubbed, as the seed's. It is
    # registered in controllers/index.js when that is the one the install generator wrote (with
    # importmap-rails and stimulus-rails, controllers are found by name without it).
    class ControllerGenerator < Rails::Generators::NamedBase
      source_root File.expand_path("templates", __dir__)

      def controller
        template "controller.js.tt", "app/javascript/controllers/#{file_name}_controller.js"
      end

      def register
        index = "app/javascript/controllers/index.js"
        path = File.join(destination_root, index)
        return unless File.exist?(path) && File.read(path).include?('from "controllers/application"')
        line = %(import #{class_name}Controller from "controllers/#{file_name}_controller"\napplication.register("#{identifier}", #{class_name}Controller)\n)
        return say_status(:identical, "#{index} (#{identifier})", :blue) if File.read(path).include?(line.lines.first)
        append_to_file index, line
      end

      private

      def identifier
        file_name.dasherize
      end
    end
  end
end
