--[[
  May this call to one target start now? Checks and books, atomically, for every process at once:
  saturation (a 429's Retry-After), calls started in the last second (at most ceil(rpm / 60)),
  requests and tokens over the last 61 one-second buckets (a full minute whatever the phase),
  calls in flight, and the target's waiting room, where jobs that were told to wait keep their
  turn: ordered by priority, then by a per-agent start tag (start-time fair queueing), so one
  agent's burst does not push another agent's few jobs to the back.

  Input:
    KEYS[1] state hash     sat_until, learned_rpm, learned_tpm, vt (virtual time of the last start)
    KEYS[2] starts zset    lease id -> start ms (the last second)
    KEYS[3] buckets hash   r:<second> requests, t:<second> tokens (the last 61 seconds)
    KEYS[4] inflight zset  lease id -> lease expiry ms
    KEYS[5] waiting zset   ticket -> priority * 2^32 + start tag
    KEYS[6] tickets hash   w:<ticket> expected return ms, f:<agent> the agent's next start tag

    ARGV[1]  now, epoch ms (the caller owns the clock)
    ARGV[2]  ticket (the job id)
    ARGV[3]  agent ('' for jobs without one: they are one agent)
    ARGV[4]  priority, 1..1000
    ARGV[5]  rpm from limits:, 0 for none
    ARGV[6]  tpm from limits:, 0 for none
    ARGV[7]  concurrency from limits:, 0 for none
    ARGV[8]  estimated tokens of the call
    ARGV[9]  lease ms: an in-flight entry lapses after this (a crashed process's call)
    ARGV[10] adaptive: 1 to use a learned rpm/tpm when limits: has none
    ARGV[11] key TTL ms
    ARGV[12] poll ms: how long to wait for a concurrency slot before asking again
    ARGV[13] lease id
    ARGV[14] late ms: a ticket this far past its return time no longer holds others back
    ARGV[15] drop ms: a ticket this far past its return time is forgotten (its job gave up or died)

  Output: { admitted (1 | 0), wait ms, reason ('' | saturated | rpm | tpm | concurrency | queue),
            quiet (1 when the target has no limit, no saturation and nobody waiting) }
]]
local stateKey, startsKey, bucketsKey, inflightKey, waitingKey, ticketsKey =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local now = tonumber(ARGV[1])
local ticket, agent, priority = ARGV[2], ARGV[3], tonumber(ARGV[4])
local rpm, tpm, conc = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local est, leaseMs, adaptive = tonumber(ARGV[8]), tonumber(ARGV[9]), ARGV[10] == '1'
local ttl, pollMs, leaseId = tonumber(ARGV[11]), tonumber(ARGV[12]), ARGV[13]
local lateMs, dropMs = tonumber(ARGV[14]), tonumber(ARGV[15])
local TAG = 4294967296
local BIG = 1e15

local function fmt(n) return string.format('%.0f', n) end

local state = {}
local raw = redis.call('HGETALL', stateKey)
for i = 1, #raw, 2 do state[raw[i]] = raw[i + 1] end
local sat = tonumber(state.sat_until or '0') or 0
if adaptive then
  if rpm == 0 then rpm = tonumber(state.learned_rpm or '0') or 0 end
  if tpm == 0 then tpm = tonumber(state.learned_tpm or '0') or 0 end
end

-- Forget what has left the windows.
redis.call('ZREMRANGEBYSCORE', startsKey, '-inf', now - 1000)
redis.call('ZREMRANGEBYSCORE', inflightKey, '-inf', now)
local nowSec = math.floor(now / 1000)
local reqs, toks = {}, {}
local sumR, sumT = 0, 0
local flat = redis.call('HGETALL', bucketsKey)
for i = 1, #flat, 2 do
  local kind, sec = string.sub(flat[i], 1, 1), tonumber(string.sub(flat[i], 3))
  local n = tonumber(flat[i + 1]) or 0
  if sec == nil or sec <= nowSec - 61 then
    redis.call('HDEL', bucketsKey, flat[i])
  elseif kind == 'r' then
    reqs[#reqs + 1] = { sec, n }
    sumR = sumR + n
  else
    toks[#toks + 1] = { sec, n }
    sumT = sumT + n
  end
end

-- When will `need` units have left the minute window?
local function drained(list, need)
  table.sort(list, function(a, b) return a[1] < b[1] end)
  local freed = 0
  for _, b in ipairs(list) do
    freed = freed + b[2]
    if freed >= need then return (b[1] + 61) * 1000 - now end
  end
  return 1000
end

local capWait, reason, avail = 0, '', BIG
local function block(ms, why)
  if ms > capWait then capWait, reason = ms, why end
end
if sat > now then block(sat - now, 'saturated') end
local perSec = 0
if rpm > 0 then
  perSec = math.ceil(rpm / 60)
  local started = redis.call('ZCARD', startsKey)
  avail = math.min(avail, perSec - started, rpm - sumR)
  if started >= perSec then
    local oldest = redis.call('ZRANGE', startsKey, 0, 0, 'WITHSCORES')
    block(tonumber(oldest[2]) + 1000 - now, 'rpm')
  end
  if sumR >= rpm then block(drained(reqs, sumR - rpm + 1), 'rpm') end
end
if tpm > 0 and sumT > 0 and sumT + est > tpm then
  block(drained(toks, sumT + est - tpm), 'tpm')
  avail = 0
elseif tpm > 0 then
  avail = math.min(avail, math.max(1, math.floor((tpm - sumT) / math.max(est, 1))))
end
local flying = redis.call('ZCARD', inflightKey)
if conc > 0 then
  avail = math.min(avail, conc - flying)
  if flying >= conc then
    local first = redis.call('ZRANGE', inflightKey, 0, 0, 'WITHSCORES')
    block(math.max(1, math.min(pollMs, tonumber(first[2]) - now)), 'concurrency')
  end
end
if capWait > 0 then avail = 0 end

-- The gap between two starts once capacity is the bottleneck: how far apart waiters are woken.
local interval = 10
if perSec > 0 then interval = math.max(interval, 1000 / perSec) end
if tpm > 0 then interval = math.max(interval, math.max(est, 1) * 60000 / tpm) end
if conc > 0 then interval = math.max(interval, pollMs / conc) end

local function touch()
  for _, k in ipairs({ stateKey, startsKey, bucketsKey, inflightKey, waitingKey, ticketsKey }) do
    redis.call('PEXPIRE', k, ttl)
  end
end

local function admit(tag)
  redis.call('ZADD', startsKey, now, leaseId)
  redis.call('HINCRBY', bucketsKey, 'r:' .. nowSec, 1)
  if est > 0 then redis.call('HINCRBY', bucketsKey, 't:' .. nowSec, est) end
  redis.call('ZADD', inflightKey, now + leaseMs, leaseId)
  if tag ~= nil and tag > (tonumber(state.vt or '0') or 0) then
    redis.call('HSET', stateKey, 'vt', fmt(tag))
  end
  touch()
  return { 1, 0, '', 0 }
end

local score = redis.call('ZSCORE', waitingKey, ticket)
local queued = redis.call('ZCARD', waitingKey)
if score == false and queued == 0 and capWait == 0 and avail > 0 then
  local quiet = (rpm == 0 and tpm == 0 and conc == 0) and 1 or 0
  local reply = admit(nil)
  reply[4] = quiet
  return reply
end

if score == false then
  local v = tonumber(state.vt or '0') or 0
  local f = tonumber(redis.call('HGET', ticketsKey, 'f:' .. agent) or '0') or 0
  local tag = math.max(v, f)
  redis.call('HSET', ticketsKey, 'f:' .. agent, fmt(tag + 1))
  score = priority * TAG + tag
  redis.call('ZADD', waitingKey, score, ticket)
else
  score = tonumber(score)
end

-- Tickets ahead that are still expected (asleep until their turn, or just due) hold their place;
-- late ones do not block, and long-gone ones are forgotten.
local rank = redis.call('ZRANK', waitingKey, ticket)
local ahead = 0
if rank > 0 then
  local scan = math.min(rank, 256)
  local members = redis.call('ZRANGE', waitingKey, 0, scan - 1)
  for _, m in ipairs(members) do
    local w = tonumber(redis.call('HGET', ticketsKey, 'w:' .. m) or '')
    if w == nil or w >= now - lateMs then
      ahead = ahead + 1
    elseif w < now - dropMs then
      redis.call('ZREM', waitingKey, m)
      redis.call('HDEL', ticketsKey, 'w:' .. m)
    end
  end
  ahead = ahead + (rank - scan)
end

if capWait == 0 and ahead < avail then
  redis.call('ZREM', waitingKey, ticket)
  redis.call('HDEL', ticketsKey, 'w:' .. ticket)
  if redis.call('ZCARD', waitingKey) == 0 then redis.call('DEL', ticketsKey) end
  return admit(score % TAG)
end

local slots = ahead + 1 - math.max(avail, 0)
local wait = math.max(capWait, 1) + math.max(slots - 1, 0) * interval
wait = math.floor(wait + 0.5)
if reason == '' then reason = 'queue' end
redis.call('HSET', ticketsKey, 'w:' .. ticket, fmt(now + wait))
touch()
return { 0, wait, reason, 0 }
