# frozen_string_literal: true

require "securerandom"

module P2pStreamsChannel
  # What ActionCable's socket layer lacks, added under it by the engine (ConnectionGuard uses it):
  # - a frame size limit: websocket-driver's max_length, 64 MiB by default, becomes
  #   config.max_payload for cable sockets (larger frames close the socket with 1009);
  # - a WebSocket ping with a callback, a close with any code, and a drop without handshake;
  # - a count of the bytes waiting for a client that does not read: past config.max_buffered_bytes
  #   the connection is dropped (slow_consumer) instead of queueing without bound.
  module SocketGuard
    # Prepended to WebSocket::Driver's singleton class: ActionCable's ClientSocket asks it for a driver.
    module DriverLimit
      def rack(socket, options = {})
        options = { max_length: P2pStreamsChannel.config.max_payload }.merge(options) if socket.is_a?(ActionCable::Connection::ClientSocket)
        super
      end
    end

    # Prepended to ActionCable::Connection::ClientSocket.
    module ClientSocketHooks
      PING = "p2p"

      # Sends a WebSocket ping; the block runs when its pong arrives. False when the socket cannot ping.
      def p2p_ping(&on_pong)
        return false unless alive? && @driver.respond_to?(:ping)

        @driver.ping(PING, &on_pong) ? true : false
      end

      # Closes with any code (ClientSocket#close takes only 1000 and 3000-4999).
      def p2p_close(code, reason)
        @ready_state = ActionCable::Connection::ClientSocket::CLOSING if alive?
        @driver.close(reason, code)
      end

      # Drops the TCP connection at once; ActionCable then ends the connection's subscriptions.
      def p2p_terminate
        @stream.close
      end
    end

    # Prepended to ActionCable::Connection::Stream, whose write buffer is a Queue of strings.
    module StreamHooks
      def initialize(event_loop, socket)
        super
        @write_buffer = CountingQueue.new
      end

      def p2p_pending_bytes
        @write_buffer.bytes + (@write_head&.bytesize || 0)
      end

      def write(data)
        return data.bytesize if @p2p_overflowed

        MemoryGuard.passed(data.bytesize)
        written = super
        p2p_overflowed if p2p_pending_bytes > P2pStreamsChannel.config.max_buffered_bytes
        written
      end

      private

      def p2p_overflowed
        @p2p_overflowed = true
        @write_buffer.clear
        P2pStreamsChannel.refusal_log.warn(ActionCable.server.logger, "slow_consumer",
                                           "more than #{P2pStreamsChannel.config.max_buffered_bytes} bytes waiting for a client that does not read; connection dropped")
        close
      end
    end

    # A Queue that knows how many bytes it holds.
    class CountingQueue < Queue
      def initialize
        super
        @bytes = Concurrent::AtomicFixnum.new(0)
      end

      def bytes
        @bytes.value
      end

      def push(data)
        @bytes.update { |total| total + data.bytesize }
        super
      end
      alias << push
      alias enq push

      def pop(*)
        data = super
        @bytes.update { |total| total - data.bytesize } if data
        data
      end
      alias shift pop
      alias deq pop

      def clear
        super
        @bytes.value = 0
      end
    end
  end
end
