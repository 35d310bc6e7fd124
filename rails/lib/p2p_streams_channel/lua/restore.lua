-- Generated from src/server/store/redis/sessionScripts.ts by npm run build; do not edit.

local peer, sub, role, lease = ARGV[3], ARGV[4], ARGV[5], tonumber(ARGV[6])
local current = attached(peer)
if current and current ~= sub then return 'displaced' end
redis.call('HSET', key, 'a:' .. peer, sub)
if role == 'host' then
  local host_sub = redis.call('HGET', key, 'host_sub')
  if host_sub and host_sub ~= sub then
    finish()
    return 'lost'
  end
  redis.call('HSET', key, 'host', peer, 'host_sub', sub, 'host_lease', now_ms() + lease, 'm:' .. peer, '1')
  for i = 7, #ARGV do
    if ARGV[i] ~= peer then redis.call('HSET', key, 'm:' .. ARGV[i], '1') end
  end
elseif role == 'member' and redis.call('HEXISTS', key, 'm:' .. peer) == 0 then
  redis.call('HSET', key, 'm:' .. peer, '0')
end
finish()
return 'ok'
