--[[
  Not a script: job-handoff.ts puts it into activate-job-11.lua and finish-job-18.lua.

  quietMarker(next, marker): BullMQ puts its queue's marker back with every job it hands out
  (prepareJobForProcessing), so a blocked BZPOPMIN wakes at once to look for the next job. When
  `next` handed out the last job waiting (wait list and prioritized set both empty), that wake
  finds nothing: one empty moveToActive and one BZPOPMIN more per job. Then the marker's base entry
  ("0") goes, and every way a job becomes waiting (BullMQ's adds, retries, resume) puts it back
  itself. Not while any job is delayed (a job parked for quota): BullMQ's delay entry ("1", scored
  with the next due time) is taken by the first idle BZPOPMIN, so that due time then lives only in
  one worker's memory, and a hand-out's answer (delayUntil 0) wipes it there. The wake on the base
  entry is what brings it back: its empty moveToActive answers the next due time
  (getNextDelayedTimestamp). Without it the marker can be empty while a job is delayed
  (test/workers/job-handoff), and the job waits for some worker's next poll for another reason (a
  completion's answer, or its idle wait timing out after drainDelay, 5 s): late, not lost. A first
  version without this check was followed by a parked job left queued in the fault suite's provider
  chaos (2 runs of 2); that did not come back without the check on b07090b (4 runs of 4).

  The script's own KEYS: 1, 3 and 7 are the wait, prioritized and delayed keys in both BullMQ's
  moveToActive and moveToFinished; `marker` is the marker key's index (11 and 14).
]]
local function quietMarker(next, marker)
  if type(next) == 'table' and type(next[2]) == 'string'
    and redis.call('LLEN', KEYS[1]) == 0 and redis.call('ZCARD', KEYS[3]) == 0
    and redis.call('ZCARD', KEYS[7]) == 0 then
    redis.call('ZREM', KEYS[marker], '0')
  end
  return next
end
