-- Generated from src/server/store/redis/sessionScripts.ts by npm run build; do not edit.

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
