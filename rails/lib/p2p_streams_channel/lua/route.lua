-- Generated from src/server/store/redis/sessionScripts.ts by npm run build; do not edit.

local from, to = ARGV[3], ARGV[4]
if redis.call('HEXISTS', key, 'm:' .. from) == 0 then return 'not_joined' end
local host = redis.call('HGET', key, 'host')
if from ~= host and to ~= host then return 'not_host' end
if redis.call('HEXISTS', key, 'm:' .. to) == 0 or not attached(to) then return 'peer_not_found' end
redis.call('PEXPIRE', key, ttl)
return 'ok'
