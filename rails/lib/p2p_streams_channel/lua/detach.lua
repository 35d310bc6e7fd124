-- Generated from src/server/store/redis/sessionScripts.ts by npm run build; do not edit.

local peer, sub = ARGV[3], ARGV[4]
if redis.call('HGET', key, 'a:' .. peer) ~= sub then return 0 end
redis.call('HDEL', key, 'a:' .. peer)
local host_left = 0
-- A client not yet reported connected keeps its m: entry (its link may open as it leaves
-- signaling) but no longer counts: joins purge it.
if redis.call('HGET', key, 'host_sub') == sub then
  reset()
  host_left = 1
end
finish()
return host_left
