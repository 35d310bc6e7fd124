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
