--[[
  Writes a job's result record unless that would undo progress: a final record is never
  overwritten, and a writer from a level above the record's (a stale re-run after a crash) is
  refused. A final write is announced on the results channel so waiters in any process wake, and
  may carry the answer for the response cache, written in the same round trip and only if the
  record was. A streamed job's final record also ends its event stream, in the same script, so a
  reader never sees a final record without the stream's final event.

  KEYS[1]  result hash   {prefix}:ladder:result:{id}
  KEYS[2]  response cache key {prefix}:ladder:cache:{hash}, or KEYS[1] again when there is none
  KEYS[3]  job event stream {prefix}:ladder:stream:{id}, or KEYS[1] again when not streamed
  ARGV[1]  record JSON
  ARGV[2]  new status (queued | active | completed | failed | cancelled)
  ARGV[3]  level the writer is at
  ARGV[4]  TTL in seconds
  ARGV[5]  results channel (the record itself goes first on ARGV[5] .. ':records', as id, newline,
           record JSON: waiters need not read it back; then the id alone on ARGV[5])
  ARGV[6]  job id (the announcement)
  ARGV[7]  status the record must have now, or '' for any non-final status
  ARGV[8]  cached answer JSON, or '' for none
  ARGV[9]  cache TTL in seconds
  ARGV[10] approximate cap on the stream's entries (XADD MAXLEN ~)
  ARGV[11] '1' to hold a final record (redis.durability: replicated): it is kept in the held_*
           fields, readers still see the record as it was, and nothing is announced or streamed
           until release-result-2.lua runs once a replica has it. A held record counts as final.

  Output: { written (1|0), status now }
]]
local final = { completed = true, failed = true, cancelled = true }
local current = redis.call('HMGET', KEYS[1], 'status', 'level', 'held')
if current[3] then return { 0, current[3] } end
if current[1] then
  if final[current[1]] then return { 0, current[1] } end
  if ARGV[7] ~= '' and current[1] ~= ARGV[7] then return { 0, current[1] } end
  if tonumber(current[2]) > tonumber(ARGV[3]) then return { 0, current[1] } end
elseif ARGV[7] ~= '' then
  return { 0, '' }
end
local hold = ARGV[11] == '1' and final[ARGV[2]]
if hold then
  redis.call('HSET', KEYS[1], 'held', ARGV[2], 'held_level', ARGV[3], 'held_json', ARGV[1])
else
  redis.call('HSET', KEYS[1], 'status', ARGV[2], 'level', ARGV[3], 'json', ARGV[1])
end
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[4]))
if ARGV[8] ~= '' and KEYS[2] ~= KEYS[1] then
  redis.call('SET', KEYS[2], ARGV[8], 'EX', tonumber(ARGV[9]))
end
if hold then return { 1, ARGV[2] } end
if final[ARGV[2]] and KEYS[3] ~= KEYS[1] then
  redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[10], '*', 'type', 'final', 'data', ARGV[1])
  redis.call('EXPIRE', KEYS[3], tonumber(ARGV[4]))
end
if final[ARGV[2]] then
  -- The record rides on its announcement only while small: every subscribed API process (on a
  -- cluster, every node) receives every announcement, so a long answer is read back by its waiter.
  if #ARGV[1] <= 16384 then
    redis.call('PUBLISH', ARGV[5] .. ':records', ARGV[6] .. '\n' .. ARGV[1])
  end
  redis.call('PUBLISH', ARGV[5], ARGV[6])
end
return { 1, ARGV[2] }
