module P2pStreamsChannel
  # Something a peer sent was refused: the code docs/protocol.md names for it, and a sentence.
  class Refused < StandardError
    attr_reader :code

    def initialize(code, message)
      @code = code
      super(message)
    end
  end
end
