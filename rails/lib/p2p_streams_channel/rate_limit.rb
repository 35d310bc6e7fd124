module P2pStreamsChannel
  # A connection's message budget, as the Node server keeps it: `per_second` sustained, bursts of
  # `burst`. Messages past it are dropped; each subscription hears of it once a second, and a client
  # that goes on (more than a burst dropped without a quiet second) is disconnected. Thread-safe:
  # ActionCable handles one connection's messages on several worker threads.
  class RateLimit
    def initialize(per_second, burst, clock: -> { Process.clock_gettime(Process::CLOCK_MONOTONIC) })
      @per_second = per_second.to_f
      @burst = burst
      @tokens = burst.to_f
      @clock = clock
      @refilled_at = clock.call
      @dropped = 0
      @last_drop_at = -Float::INFINITY
      @last_notice_at = -Float::INFINITY
      @lock = Mutex.new
    end

    # => :ok, :dropped (quietly), :notify (dropped; tell the subscription) or :disconnect
    def take
      @lock.synchronize do
        now = @clock.call
        @tokens = [@burst.to_f, @tokens + (now - @refilled_at) * @per_second].min
        @refilled_at = now
        if @tokens >= 1
          @tokens -= 1
          @dropped = 0 if now - @last_drop_at > 1
          next :ok
        end
        @dropped += 1
        @last_drop_at = now
        next :disconnect if @dropped > @burst
        next :dropped if now - @last_notice_at < 1
        @last_notice_at = now
        :notify
      end
    end

    CREATION = Mutex.new

    # The budget of one ActionCable connection, made on first use.
    def self.of(connection, per_second, burst)
      connection.instance_variable_get(:@p2p_rate_limit) || CREATION.synchronize do
        connection.instance_variable_get(:@p2p_rate_limit) || connection.instance_variable_set(:@p2p_rate_limit, new(per_second, burst))
      end
    end
  end
end
