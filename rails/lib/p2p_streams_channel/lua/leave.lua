-- Generated from src/server/store/redis/sessionScripts.ts by npm run build; do not edit.

local peer = ARGV[3]
if redis.call('EXISTS', key) == 0 then return 0 end
local host_left = 0
if redis.call('HGET', key, 'host') == peer then
  reset()
  host_left = 1
else
  redis.call('HDEL', key, 'm:' .. peer)
end
finish()
return host_left
