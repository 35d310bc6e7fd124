# frozen_string_literal: true

module P2pStreamsChannel
  # Which channel a subscribe frame names, without constantizing a client's string: ActionCable
  # would `safe_constantize` any name, loading whatever it names (a cache store, a gem that is not
  # installed). Only names shaped like a channel class (`Name::SpaceChannel`) are looked up, and
  # only a concrete channel class is accepted — not ActionCable::Channel::Base or
  # ApplicationCable::Channel.
  module ChannelLookup
    OURS = "P2pStreamsChannel::SignalingChannel"
    SHAPE = /\A(?:[A-Z][A-Za-z0-9_]*::)*[A-Z][A-Za-z0-9_]*Channel\z/
    ABSTRACT = %w[ActionCable::Channel::Base ApplicationCable::Channel].freeze
    MAX_KNOWN = 256

    @known = Set.new([OURS])
    @lock = Mutex.new

    class << self
      def known?(name)
        return false unless name.is_a?(String) && name.length <= 200 && SHAPE.match?(name) && !ABSTRACT.include?(name)
        return true if @lock.synchronize { @known.include?(name) }

        klass = begin
          name.safe_constantize
        rescue StandardError, LoadError
          nil
        end
        return false unless klass.is_a?(Class) && klass < ActionCable::Channel::Base && klass.name == name

        @lock.synchronize { @known.add(name) if @known.size < MAX_KNOWN }
        true
      end
    end
  end
end
