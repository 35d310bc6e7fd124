-- Generated from src/server/store/redis/sessionScripts.ts by npm run build; do not edit.

local peer, sub, max_peers, lease = ARGV[3], ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6])
local now = now_ms()
redis.call('HSET', key, 'a:' .. peer, sub)
local host = redis.call('HGET', key, 'host')
local replaced = ''
if host and host ~= peer and host_stale(now) then
  replaced = host
  reset()
  host = false
end
if (not host) or host == peer then
  -- A new host forms a new session: nobody is a member of it yet.
  if not host then reset() end
  redis.call('HSET', key, 'host', peer, 'host_sub', sub, 'host_lease', now + lease, 'm:' .. peer, '1')
  finish()
  return {'host', replaced}
end
if redis.call('HEXISTS', key, 'm:' .. peer) == 0 then
  local count = 0
  for _, field in ipairs(redis.call('HKEYS', key)) do
    if string.sub(field, 1, 2) == 'm:' then
      local member = string.sub(field, 3)
      if redis.call('HGET', key, field) == '1' or member == host or attached(member) then
        count = count + 1
      else
        redis.call('HDEL', key, field)
      end
    end
  end
  if count >= max_peers then
    finish()
    return {'refused', ''}
  end
end
redis.call('HSET', key, 'm:' .. peer, '0')
finish()
return {'client', host}
