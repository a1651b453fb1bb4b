--[[
  Several enqueues into one level's queue in one call. For each job: creates its result record
  (claim-result-1.lua, create only) and, only when it did, adds the BullMQ job (BullMQ's own
  addPrioritizedJob script, unchanged). A job with no record key at all, nearly every one, skips
  the claim's six-field read and its answer: its record is written directly, as the claim would
  write it (about 2 µs of Redis time less per job). So an id whose record exists, queued, running or final, is
  never added again; and when the add fails (an error, or one of BullMQ's negative codes) the
  record just created is deleted again, so a record never stays without its job. Each job is
  answered on its own: one job's failure does not stop the others.

  Not run as written: recorded-add.ts puts the two scripts where the `--@` lines are, each as the
  body of a function whose parameters stand in for KEYS and ARGV, so both keep their own numbering.

  KEYS[1..9]      BullMQ's addPrioritizedJob keys of the queue, in its order (marker ... priority counter)
  KEYS[9 + i]     job i's result hash   {prefix}:ladder:result:{id}
  ARGV[1]         TTL of the records in seconds
  ARGV[5i - 3 .. 5i - 1]  job i's addPrioritizedJob arguments (packed args, job data JSON, packed options)
  ARGV[5i]        job i's record JSON
  ARGV[5i + 1]    job i's level

  Output: one answer per job, in order: the BullMQ job id (a string) when the record was created
  and the job added; BullMQ's negative code when the add refused it; { 'error', message } when a
  command failed (nothing of that job is left); otherwise the claim's answer
  { 0, status before, level before, json, held (1|0) }, and nothing was written for it.
]]
local function claimRecord(KEYS, ARGV)
--@claim
end

local function addPrioritizedJob(KEYS, ARGV)
--@add
end

-- What claim-result-1.lua does for a key that does not exist: the record, created queued.
local CREATED = { 1 }
local function createRecord(KEYS, json, level, ttl)
  redis.call('HSET', KEYS[1], 'status', 'queued', 'level', level, 'json', json)
  redis.call('EXPIRE', KEYS[1], tonumber(ttl))
  return CREATED
end

local function failure(e)
  if type(e) == 'table' and e.err then return { 'error', e.err } end
  return { 'error', tostring(e) }
end

local queueKeys = { KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9] }
local answers = {}
for i = 1, #KEYS - 9 do
  local a = 5 * i - 3
  local claimedOk, claimed
  if redis.call('EXISTS', KEYS[9 + i]) == 0 then
    claimedOk, claimed = pcall(createRecord, { KEYS[9 + i] }, ARGV[a + 3], ARGV[a + 4], ARGV[1])
  else
    claimedOk, claimed = pcall(claimRecord, { KEYS[9 + i] }, { ARGV[a + 3], 'queued', ARGV[a + 4], ARGV[1], '0' })
  end
  if not claimedOk then
    answers[i] = failure(claimed)
  elseif claimed[1] ~= 1 then
    answers[i] = claimed
  else
    local ok, added = pcall(addPrioritizedJob, queueKeys, { ARGV[a], ARGV[a + 1], ARGV[a + 2] })
    if ok and not (type(added) == 'number' and added < 0) then
      answers[i] = added
    else
      redis.call('DEL', KEYS[9 + i])
      if ok then answers[i] = added else answers[i] = failure(added) end
    end
  end
end
return answers
