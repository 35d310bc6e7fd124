require "system_helper"

# The seed's dummy app in Chromium through Capybara: the Rails app is the signaling server.
RSpec.describe "the chat room", type: :feature do
  def join(name)
    visit "/"
    find('input[placeholder="name"]').fill_in(with: name)
    click_on "join"
    expect(page).to have_css("h1", text: "P2p#chat@#{name}")
  end

  after { Capybara.reset_sessions! }

  it "shows everyone connected, and a line from a client reaches everyone, the host included" do
    using_session(:ann) { join("ann") }
    using_session(:ben) { join("ben") }
    using_session(:ann) { expect(page).to have_css('[data-chat-target="status"] li', text: "ben: connected") }
    using_session(:ben) do
      expect(page).to have_css('[data-chat-target="status"] li', text: "ann: connected")
      find('[data-chat-target="message"]').fill_in(with: "hello from ben")
      click_on "send"
      expect(page).to have_css('[data-chat-target="messages"]', text: "ben: hello from ben")
    end
    using_session(:ann) { expect(page).to have_css('[data-chat-target="messages"]', text: "ben: hello from ben") }
  end

  it "shows a client that leaves as disconnected, and a reload re-negotiates" do
    using_session(:ann) { join("ann") }
    using_session(:ben) { join("ben") }
    using_session(:ann) { expect(page).to have_css('[data-chat-target="status"] li', text: "ben: connected") }
    using_session(:ben) { visit "about:blank" }
    using_session(:ann) { expect(page).to have_css('[data-chat-target="status"] li', text: "ben: disconnected") }
    using_session(:ben) do
      join("ben")
      page.refresh
      expect(page).to have_css('[data-chat-target="state"]', text: "connected to host ann")
      find('[data-chat-target="message"]').fill_in(with: "back after a reload")
      click_on "send"
    end
    using_session(:ann) do
      expect(page).to have_css('[data-chat-target="status"] li', text: "ben: connected")
      expect(page).to have_css('[data-chat-target="messages"]', text: "ben: back after a reload")
    end
  end

  it "heals when the host leaves: the client becomes the host, with no reload" do
    using_session(:ann) { join("ann") }
    using_session(:ben) do
      join("ben")
      expect(page).to have_css('[data-chat-target="state"]', text: "connected to host ann")
    end
    using_session(:ann) { visit "about:blank" }
    using_session(:ben) { expect(page).to have_css('[data-chat-target="state"]', text: "connected — you are the host") }
  end
end
