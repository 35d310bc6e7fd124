# The seed's dummy app: pick a name, then chat in a room through a <p2p-frame>.
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
