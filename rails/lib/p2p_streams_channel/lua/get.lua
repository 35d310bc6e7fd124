-- Generated from src/server/store/redis/sessionScripts.ts by npm run build; do not edit.

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
