--[[
  Creates a job's result record, or takes it up, and answers it as it was. Used by producers
  (enqueue: create only) and by workers before any provider call, so that a job whose record is
  final is never run again and a stale copy of a job further up the ladder is recognised.

  KEYS[1]  result hash   {prefix}:ladder:result:{id}   fields: status, level, json
  ARGV[1]  record JSON to create, or '' for a worker taking up a job whose producer created the
           record: then a missing record is answered { 0, '' } and the worker claims again with it
  ARGV[2]  status to create with (queued for producers, active for workers)
  ARGV[3]  level of the caller
  ARGV[4]  TTL in seconds
  ARGV[5]  '1' to mark an existing, non-final record at or above this level as active here

  Output: { created (1|0), status before, level before, json, held (1|0) }, or { 0, '' } when
  there is no record and ARGV[1] is ''
  A held final record (write-result-3.lua, replicated durability) is answered as that final
  record, with held = 1: the caller releases it instead of running the job again.
]]
local existing = redis.call('HMGET', KEYS[1], 'status', 'level', 'json', 'held', 'held_level', 'held_json')
if existing[4] then return { 0, existing[4], existing[5], existing[6], 1 } end
if existing[1] then
  local final = existing[1] == 'completed' or existing[1] == 'failed' or existing[1] == 'cancelled'
  if ARGV[5] == '1' and not final and tonumber(existing[2]) <= tonumber(ARGV[3]) then
    redis.call('HSET', KEYS[1], 'status', 'active', 'level', ARGV[3])
  end
  return { 0, existing[1], existing[2], existing[3], 0 }
end
if ARGV[1] == '' then return { 0, '' } end
redis.call('HSET', KEYS[1], 'status', ARGV[2], 'level', ARGV[3], 'json', ARGV[1])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[4]))
return { 1, ARGV[2], ARGV[3], ARGV[1], 0 }
