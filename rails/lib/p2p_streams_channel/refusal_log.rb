# frozen_string_literal: true

module P2pStreamsChannel
  # Logs refusals of what clients send without letting them flood the log, as the Node server's
  # RefusalLog: at most config.log_lines_per_second lines (bursts of config.log_lines_burst) for
  # the whole process; what is held back is counted and reported in one line when logging resumes.
  # Client text is made valid UTF-8, control characters and line separators are escaped, and it is
  # cut to 300 characters, so a frame can neither forge a log line nor write a long one.
  class RefusalLog
    MAX_TEXT = 300

    def initialize(per_second, burst)
      @budget = RateLimit.new(per_second, burst)
      @suppressed = 0
      @lock = Mutex.new
    end

    def warn(logger, code, text)
      summary = @lock.synchronize do
        unless @budget.take == :ok
          @suppressed += 1
          return
        end
        held, @suppressed = @suppressed, 0
        held
      end
      logger&.warn("p2p_streams_channel: #{summary} more refusals not logged (log rate limit)") if summary.positive?
      logger&.warn("p2p_streams_channel: refused (#{code}): #{RefusalLog.escape(text)}")
    end

    # Client text as one short, printable log field.
    def self.escape(text)
      cut = text.to_s.byteslice(0, MAX_TEXT * 4).force_encoding(Encoding::UTF_8).scrub("\uFFFD")
      escaped = cut.gsub(/[[:cntrl:]\u2028\u2029]/) { |char| format("\\u%04x", char.ord) }
      escaped.length > MAX_TEXT ? "#{escaped[0, MAX_TEXT]}…" : escaped
    end
  end

  class << self
    # The process's refusal log.
    def refusal_log
      @refusal_log ||= RefusalLog.new(config.log_lines_per_second, config.log_lines_burst)
    end
  end
end
