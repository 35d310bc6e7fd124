module P2pStreamsChannel
  # The process's periodic work, from one thread every config.lease_renewal_interval seconds (one
  # timer for the process rather than one per subscription, which ten thousand idle subscriptions
  # could not afford): renews the leases of the hosts it holds, and releases subscriptions that
  # ended while the store was unreachable. It also knows every live subscription, to re-register
  # them when the store comes back (restore_all).
  class LeaseKeeper
    def initialize(interval)
      @interval = interval
      @hosts = Set.new
      @live = Set.new
      @unreleased = []
      @lock = Mutex.new
      @thread = nil
    end

    def live(channel)
      @lock.synchronize { @live.add(channel) }
    end

    def gone(channel)
      @lock.synchronize do
        @live.delete(channel)
        @hosts.delete(channel)
      end
    end

    # A subscription that ended while the store was unreachable: released at the next tick that can.
    def release_later(&release)
      @lock.synchronize do
        @unreleased << release
        @thread ||= Thread.new { run }
      end
    end

    # After an outage: every live subscription re-asserts itself in the store.
    def restore_all
      channels = @lock.synchronize { @live.to_a }
      Rails.logger&.info("p2p_streams_channel: session store reachable again: re-registering #{channels.size} subscriptions")
      channels.each do |channel|
        channel.__send__(:restore_registration)
      rescue StandardError => error
        Rails.logger&.warn("p2p_streams_channel: re-registering a subscription failed: #{error.message.to_s.gsub(/[[:cntrl:]]/, " ")[0, 300]}")
      end
    end

    def add(channel)
      @lock.synchronize do
        @hosts.add(channel)
        @thread ||= Thread.new { run }
      end
    end

    def delete(channel)
      @lock.synchronize { @hosts.delete(channel) }
    end

    private

    def run
      loop do
        sleep(@interval)
        pending = @lock.synchronize { @unreleased.slice!(0..) }
        pending.each do |release|
          release.call
        rescue StandardError
          @lock.synchronize { @unreleased << release }
        end
        @lock.synchronize { @hosts.to_a }.each do |channel|
          channel.__send__(:renew_lease)
        rescue StandardError => error
          Rails.logger&.warn("p2p_streams_channel: renewing a lease failed: #{error.message.to_s.gsub(/[[:cntrl:]]/, " ")[0, 300]}")
        end
      end
    end
  end

  class << self
    def lease_keeper
      @lease_keeper ||= LeaseKeeper.new(config.lease_renewal_interval)
    end
  end
end
