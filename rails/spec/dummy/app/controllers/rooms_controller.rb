# frozen_string_literal: true

# The seed's dummy app: pick a name, then chat in a room through a <p2p-frame>. For trying the gem
# out only: #show hands a join token for any name and room to anyone who asks (as `serve --demo`
# does). An app signs tokens only for its signed-in user; never copy this controller.
class RoomsController < ApplicationController
  def index; end

  def show
    @name = params[:name].to_s.strip
    @room = params[:room].presence || "chat"
    return if P2pStreamsChannel::ID_PATTERN.match?(@name) && P2pStreamsChannel::ID_PATTERN.match?(@room)
    flash.now[:error] = "Names are 1-128 letters, digits or _ - . : @ (no spaces)."
    render :index, status: :bad_request
  end
end
