/**
 * The Lua scripts behind RedisSessionStore. Each runs atomically in Redis, which is what makes host
 * election and limits hold across server nodes. A session is one hash, `<prefix>sess:<id>`:
 *   host, host_sub, host_lease   the host's peer id, subscription, and lease expiry (Redis clock, ms)
 *   a:<peer>                     the subscription attached for that peer
 *   m:<peer>                     membership: "1" reported connected by the host, "0" not (yet)
 * A subscription id starts with its node id; `<prefix>node:<id>` exists while that node lives, so
 * entries of a dead node count as gone. ARGV[1] is always the key prefix, ARGV[2] the session TTL.
 */
export const PRELUDE = `
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
`

const script = (body: string) => `${PRELUDE}\n${body}`

/** ARGV: prefix, ttl, peer, sub → displaced subscription or "" */
export const ATTACH = script(`
local peer, sub = ARGV[3], ARGV[4]
local displaced = redis.call('HGET', key, 'a:' .. peer)
redis.call('HSET', key, 'a:' .. peer, sub)
local result = ''
if displaced and displaced ~= sub then
  if redis.call('HGET', key, 'host_sub') == displaced then
    redis.call('HSET', key, 'host_sub', sub)
  else
    redis.call('HDEL', key, 'm:' .. peer)
  end
  result = displaced
end
finish()
return result
`)

/** ARGV: prefix, ttl, peer, sub → 1 when the host left */
export const DETACH = script(`
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
`)

/** ARGV: prefix, ttl, peer, sub, maxPeers, leaseMs → {role, host or replaced host or ""} */
export const JOIN = script(`
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
`)

/** ARGV: prefix, ttl, peer → 1 when the host left */
export const LEAVE = script(`
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
`)

/** ARGV: prefix, ttl, host, client, "1"|"0" → ok | not_host | not_member */
export const REPORT = script(`
local host, client, connected = ARGV[3], ARGV[4], ARGV[5]
if redis.call('HGET', key, 'host') ~= host then return 'not_host' end
if client ~= host then
  if redis.call('HEXISTS', key, 'm:' .. client) == 0 then
    if connected == '1' then return 'not_member' end
  elseif connected == '1' or attached(client) then
    redis.call('HSET', key, 'm:' .. client, connected)
  else
    redis.call('HDEL', key, 'm:' .. client)
  end
end
finish()
return 'ok'
`)

/** ARGV: prefix, ttl, peer, sub, role (host|member|attached), leaseMs, clients… → ok | displaced | lost */
export const RESTORE = script(`
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
`)

/** ARGV: prefix, ttl, peer, sub, leaseMs → renewed | reclaimed | lost */
export const RENEW = script(`
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
`)

/** ARGV: prefix, ttl, from, to → ok | not_joined | not_host | peer_not_found */
export const ROUTE = script(`
local from, to = ARGV[3], ARGV[4]
if redis.call('HEXISTS', key, 'm:' .. from) == 0 then return 'not_joined' end
local host = redis.call('HGET', key, 'host')
if from ~= host and to ~= host then return 'not_host' end
if redis.call('HEXISTS', key, 'm:' .. to) == 0 or not attached(to) then return 'peer_not_found' end
redis.call('PEXPIRE', key, ttl)
return 'ok'
`)

/** ARGV: prefix, ttl → the hash as a flat list, dead nodes' attachments left out */
export const GET = script(`
local out = {}
local fields = redis.call('HGETALL', key)
for i = 1, #fields, 2 do
  local field, value = fields[i], fields[i + 1]
  if string.sub(field, 1, 2) ~= 'a:' or node_alive(value) then
    table.insert(out, field)
    table.insert(out, value)
  end
end
return out
`)
