--[[
  One enqueue in one call: creates the job's result record (claim-result-1.lua, create only) and,
  only when it did, adds the BullMQ job (BullMQ's own addPrioritizedJob script, unchanged). So an
  id whose record exists, queued, running or final, is never added again; and when the add fails
  (an error, or one of BullMQ's negative codes) the record just created is deleted again, so a
  record never stays without its job.

  Not run as written: recorded-add.ts puts the two scripts where the `--@` lines are, each as the
  body of a function whose parameters stand in for KEYS and ARGV, so both keep their own numbering.

  KEYS[1..9]  BullMQ's addPrioritizedJob keys, in its order (marker ... priority counter)
  KEYS[10]    the result hash   {prefix}:ladder:result:{id}
  ARGV[1..3]  BullMQ's addPrioritizedJob arguments (packed args, job data JSON, packed options)
  ARGV[4]     record JSON
  ARGV[5]     level
  ARGV[6]     TTL of the record in seconds

  Output: the BullMQ job id (a string) when the record was created and the job added; BullMQ's
  negative code or error when the add failed; otherwise the claim's answer
  { 0, status before, level before, json, held (1|0) }, and nothing was written.
]]
local function claimRecord(KEYS, ARGV)
--@claim
end

local function addPrioritizedJob(KEYS, ARGV)
--@add
end

local claimed = claimRecord({ KEYS[10] }, { ARGV[4], 'queued', ARGV[5], ARGV[6], '0' })
if claimed[1] ~= 1 then return claimed end
local ok, added = pcall(addPrioritizedJob, KEYS, ARGV)
if ok and not (type(added) == 'number' and added < 0) then return added end
redis.call('DEL', KEYS[10])
if ok then return added end
error(added)
