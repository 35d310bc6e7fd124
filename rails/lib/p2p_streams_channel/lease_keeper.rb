module P2pStreamsChannel
  # Renews the leases of every host this process holds, from one thread, every
  # config.lease_renewal_interval seconds: one timer for the process rather than one per
  # subscription, which ten thousand idle subscriptions could not afford.
  class LeaseKeeper
    def initialize(interval)
      @interval = interval
      @hosts = Set.new
      @lock = Mutex.new
      @thread = nil
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
