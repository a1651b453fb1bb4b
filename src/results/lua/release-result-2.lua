--[[
  Makes a held final record (write-result-3.lua with hold, redis.durability: replicated) the
  record, once a replica has confirmed it, and only then announces it: the stream's final event
  and the results channel. Releasing twice does nothing the second time, so a worker that takes
  over a job whose first worker died after holding its record can release it safely.

  KEYS[1]  result hash   {prefix}:ladder:result:{id}
  KEYS[2]  job event stream {prefix}:ladder:stream:{id}, or KEYS[1] again when not streamed
  ARGV[1]  results channel (the record first on ARGV[1] .. ':records', as write-result-3.lua does)
  ARGV[2]  job id (the announcement)
  ARGV[3]  approximate cap on the stream's entries (XADD MAXLEN ~)
  ARGV[4]  TTL in seconds

  Output: 1 when released now, 0 when there was nothing held
]]
local held = redis.call('HMGET', KEYS[1], 'held', 'held_level', 'held_json')
if not held[1] then return 0 end
redis.call('HSET', KEYS[1], 'status', held[1], 'level', held[2], 'json', held[3])
redis.call('HDEL', KEYS[1], 'held', 'held_level', 'held_json')
if KEYS[2] ~= KEYS[1] then
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', 'type', 'final', 'data', held[3])
  redis.call('EXPIRE', KEYS[2], tonumber(ARGV[4]))
end
-- Small records only, as in write-result-3.lua: a longer one is read back by its waiter.
if #held[3] <= 16384 then
  redis.call('PUBLISH', ARGV[1] .. ':records', ARGV[2] .. '\n' .. held[3])
end
redis.call('PUBLISH', ARGV[1], ARGV[2])
return 1
