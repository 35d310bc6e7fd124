-- Generated from src/server/store/redis/sessionScripts.ts by npm run build; do not edit.

local peer, sub, lease = ARGV[3], ARGV[4], tonumber(ARGV[5])
local now = now_ms()
local host_sub = redis.call('HGET', key, 'host_sub')
if not host_sub then
  redis.call('HSET', key, 'host', peer, 'host_sub', sub, 'host_lease', now + lease, 'a:' .. peer, sub, 'm:' .. peer, '1')
  finish()
  return 'reclaimed'
end
if host_sub ~= sub then return 'lost' end
redis.call('HSET', key, 'host_lease', now + lease)
finish()
return 'renewed'
