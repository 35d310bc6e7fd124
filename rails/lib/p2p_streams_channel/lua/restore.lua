-- Generated from src/server/store/redis/sessionScripts.ts by npm run build; do not edit.

local key = KEYS[1]
local prefix = ARGV[1]
local ttl = tonumber(ARGV[2])
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function node_alive(sub)
  local node = string.match(sub, '^([^:]+):')
  return node == nil or redis.call('EXISTS', prefix .. 'node:' .. node) == 1
end
local function attached(peer)
  local sub = redis.call('HGET', key, 'a:' .. peer)
  if sub and not node_alive(sub) then
    redis.call('HDEL', key, 'a:' .. peer)
    return false
  end
  return sub
end
local function reset()
  redis.call('HDEL', key, 'host', 'host_sub', 'host_lease')
  for _, field in ipairs(redis.call('HKEYS', key)) do
    if string.sub(field, 1, 2) == 'm:' then redis.call('HDEL', key, field) end
  end
end
local function host_stale(now)
  local sub = redis.call('HGET', key, 'host_sub')
  return tonumber(redis.call('HGET', key, 'host_lease') or '0') <= now or (sub and not node_alive(sub))
end
local function finish()
  if redis.call('HLEN', key) == 0 then redis.call('DEL', key) else redis.call('PEXPIRE', key, ttl) end
end


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
