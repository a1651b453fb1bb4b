--[[
  BullMQ's moveToActive (unchanged), which hands a worker its next job, and the ladder's claim of
  that job's record in the same call (claim-next.lua), instead of a Lua call of the worker's own
  before the job's first provider call.

  Not run as written: final-handoff.ts puts the scripts where the `--@` lines are, each of the two
  as the body of a function whose parameters stand in for KEYS and ARGV.

  KEYS[1..11]  BullMQ's moveToActive keys, in its order (wait ... marker)
  ARGV[1..3]   BullMQ's moveToActive arguments
  ARGV[4]      prefix of result record keys ({prefix}:ladder:result:)
  ARGV[5]      the worker's level
  ARGV[6]      TTL of records in seconds
  ARGV[7]      which of ARGV[1..3] came as latin1 text (from-latin1.lua), as "3" or ""

  Output: BullMQ's answer, with the claim's answer as its fifth element when there was one; the
  queue's marker left without its base entry when this was the last job waiting (quiet-marker.lua)
]]
local function claimRecord(KEYS, ARGV)
--@claim
end

local function moveToActive(KEYS, ARGV)
--@active
end

--@claimNext

--@quietMarker

--@fromLatin1

local next = moveToActive(KEYS, textArgs({ ARGV[1], ARGV[2], ARGV[3] }, ARGV[7]))
return claimNext(quietMarker(next, 11), ARGV[4], ARGV[5], ARGV[6])
