# frozen_string_literal: true

module P2pStreamsChannel
  # Keeps a stream of large frames from growing the process. Ruby collects the garbage of large
  # strings only once its malloc limit (up to 32 MB by default) is spent, and glibc keeps what Ruby
  # frees: a client sending 60 KB frames within the rate limit grew puma by 120 MB, and kept it
  # after it left. So every COLLECT_EVERY bytes of cable frames received or sent, a minor collection runs
  # (signaling traffic of a few KB a second reaches it every few minutes; the flood above, a few
  # times a second, for about 1 % of a core); and once frames have stopped pouring in for QUIET
  # seconds, freed memory is handed back to the system (glibc's malloc_trim, where there is one).
  # Measured with that flood (test/adversarial/attackSuite.ts): +40 MB at most, back to the
  # baseline 3 s after it ends.
  module MemoryGuard
    COLLECT_EVERY = 2 * 1024 * 1024
    QUIET = 3

    @passed = Concurrent::AtomicFixnum.new(0)
    @lock = Mutex.new
    @last_collected_at = nil
    @trim_task = nil

    class << self
      # Bytes of a frame received or sent on a cable socket.
      def passed(bytes)
        return if @passed.increment(bytes) < COLLECT_EVERY

        @passed.value = 0
        GC.start(full_mark: false)
        @lock.synchronize do
          @last_collected_at = P2pStreamsChannel.clock
          @trim_task ||= schedule_trim
        end
      end

      private

      def schedule_trim
        Concurrent::ScheduledTask.execute(QUIET) { trim_when_quiet }
      end

      def trim_when_quiet
        quiet = @lock.synchronize do
          done = P2pStreamsChannel.clock - @last_collected_at >= QUIET
          @trim_task = done ? nil : schedule_trim
          done
        end
        return unless quiet

        GC.start
        malloc_trim&.call(0)
      end

      def malloc_trim
        return @malloc_trim if defined?(@malloc_trim)

        @malloc_trim = begin
          require "fiddle"
          Fiddle::Function.new(Fiddle::Handle::DEFAULT["malloc_trim"], [Fiddle::TYPE_SIZE_T], Fiddle::TYPE_INT)
        rescue StandardError, LoadError, Fiddle::DLError
          nil
        end
      end
    end
  end
end
