-- Generated from src/server/store/redis/sessionScripts.ts by npm run build; do not edit.

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
