--[[
  A served job's end in one call: its final result record (write-result-3.lua, unchanged: the
  cache entry, the stream's final event and the announcements with it), then BullMQ's own
  moveToFinished script, unchanged, which completes the job and hands out the next one, and the
  ladder's claim of that next job (claim-next.lua). Three calls used to do this. The record is
  still written first, so BullMQ never completes a job whose record is not final; a record that
  was final already is left as it was (the job still completes). Not written when the job's lock
  is another run's (this run's lapsed and the job was handed out again): BullMQ then refuses the
  completion too, and the run that holds the job answers it.

  Not run as written: final-handoff.ts puts the scripts where the `--@` lines are, each of the
  three as the body of a function whose parameters stand in for KEYS and ARGV.

  KEYS[1..14]  BullMQ's moveToFinished keys, in its order (wait ... marker)
  KEYS[15..17] write-result-3.lua's keys (record, cache or record, stream or record)
  KEYS[18]     the job's lock (BullMQ's job key KEYS[12] .. ':lock')
  ARGV[1..9]   BullMQ's moveToFinished arguments
  ARGV[10..20] write-result-3.lua's arguments
  ARGV[21..23] the claim's: prefix of record keys, the worker's level, TTL in seconds
  ARGV[24]     which of ARGV[1..9] came as latin1 text (from-latin1.lua), as "8" or ""

  Output: { written (1|0), status now ('' when not written), BullMQ's answer (absent when it
  answered nothing), with the next job's claim as its fifth element when there was one }; the
  queue's marker left without its base entry when the next job handed out was the last one
  waiting (quiet-marker.lua)
]]
local function writeResult(KEYS, ARGV)
--@write
end

local function moveToFinished(KEYS, ARGV)
--@finish
end

local function claimRecord(KEYS, ARGV)
--@claim
end

--@claimNext

--@fromLatin1

--@quietMarker

local function slice(list, from, to)
  local part = {}
  for i = from, to do part[#part + 1] = list[i] end
  return part
end

-- Whether another run holds the job now: its lock names a token other than this run's
-- (opts.token in ARGV[8]), BullMQ's own "lock is not owned" (-6), which makes its moveToFinished
-- change nothing. Options that do not unpack: not known, written.
local function heldByAnother(packedOpts)
  local ok, opts = pcall(cmsgpack.unpack, packedOpts)
  if not ok or type(opts) ~= 'table' or type(opts['token']) ~= 'string' then return false end
  if opts['token'] == '0' then return false end
  local holder = redis.call('GET', KEYS[18])
  return holder ~= false and holder ~= opts['token']
end

local finishArgs = textArgs(slice(ARGV, 1, 9), ARGV[24])
-- A run that lost its lock to another run writes no final record: the holder claimed the job and
-- may be about to call a provider, a call that would come after this answer. The holder answers.
local written = { 0, '' }
if not heldByAnother(finishArgs[8]) then
  written = writeResult(slice(KEYS, 15, 17), slice(ARGV, 10, 20))
end
local moved = moveToFinished(slice(KEYS, 1, 14), finishArgs)
return {
  written[1],
  written[2],
  claimNext(quietMarker(moved, 14), ARGV[21], ARGV[22], ARGV[23]),
}
