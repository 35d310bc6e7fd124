require "rails/generators"

module P2pStreamsChannel
  module Generators
    # rails g p2p_streams_channel:install — sets the app up and prints what it changed; safe to run twice.
    #  - config/initializers/p2p_streams_channel.rb, every option with its default;
    #  - the browser client under the import name "p2p": with importmap-rails a pin to the gem's
    #    vendored bundle, else p2p_javascript_tags in the layout (an importmap the gem serves);
    #  - Stimulus started with <p2p-frame> defined, and the controllers' index (no build step);
    #  - config/cable.yml when missing (the cable itself is mounted at /cable by Rails).
    class InstallGenerator < Rails::Generators::Base
      source_root File.expand_path("templates", __dir__)

      def initializer
        template_unless_present "initializer.rb", "config/initializers/p2p_streams_channel.rb"
      end

      def cable_config
        template_unless_present "cable.yml", "config/cable.yml"
      end

      def javascript
        if importmap?
          append_unless_present "config/importmap.rb", %(pin "p2p", to: "p2p.js"\n)
        else
          template_unless_present "application.js", "app/javascript/application.js"
          template_unless_present "controllers/application.js", "app/javascript/controllers/application.js"
          template_unless_present "controllers/index.js", "app/javascript/controllers/index.js"
          layout_tags
        end
      end

      def next_steps
        say <<~TEXT

          Next: rails g p2p_streams_channel:controller chat, then in a view:
            <%= p2p_frame_tag(session_id: dom_id(chat_room), peer_id: dom_id(current_user)) do %>
              <div data-controller="chat">…</div>
            <% end %>
        TEXT
      end

      private

      def importmap?
        File.exist?(File.join(destination_root, "config/importmap.rb"))
      end

      def layout_tags
        layout = "app/views/layouts/application.html.erb"
        path = File.join(destination_root, layout)
        return say_status(:skip, "#{layout} not found: put <%= p2p_javascript_tags %> in your layout's <head>", :yellow) unless File.exist?(path)
        return say_status(:identical, "#{layout} (p2p_javascript_tags)", :blue) if File.read(path).include?("p2p_javascript_tags")
        inject_into_file layout, "    <%= p2p_javascript_tags %>\n", before: %r{^\s*</head>}
      end

      def template_unless_present(source, target)
        return say_status(:identical, target, :blue) if File.exist?(File.join(destination_root, target))
        template source, target
      end

      def append_unless_present(target, line)
        path = File.join(destination_root, target)
        return say_status(:identical, "#{target} (#{line.strip})", :blue) if File.exist?(path) && File.read(path).include?(line.strip)
        append_to_file target, line
      end
    end
  end
end
