--[[
  A call admitted by admit-6.lua has ended: free its in-flight entry, correct its token estimate
  with the usage the provider reported, and learn from the rate-limit headers of the answer.

  Input:
    KEYS[1] state hash, KEYS[2] buckets hash, KEYS[3] inflight zset (as in admit-6.lua)

    ARGV[1]  now, epoch ms
    ARGV[2]  lease id
    ARGV[3]  second the call was admitted in (its bucket)
    ARGV[4]  token correction (reported - estimated), 0 when unknown
    ARGV[5]  outcome: ok | saturated | other
    ARGV[6]  saturated for ms (a 429's Retry-After or reset header), '' when unknown
    ARGV[7]  header limit of requests per minute, '' when absent
    ARGV[8]  header remaining requests, '' when absent
    ARGV[9]  header requests reset ms, '' when absent
    ARGV[10] header limit of tokens per minute, '' when absent
    ARGV[11] header remaining tokens, '' when absent
    ARGV[12] header tokens reset ms, '' when absent
    ARGV[13] learn: 1 when limits: sets no rpm and adaptation is on
    ARGV[14] saturation when a 429 says nothing about how long, ms
    ARGV[15] key TTL ms
    ARGV[16] learn tokens: 1 when limits: sets no tpm and adaptation is on

  Output: saturated-until epoch ms (0 when not saturated)

  Adaptation without headers is additive-increase / multiplicative-decrease on a learned rpm: a
  429 sets it to 70% of the requests started over the last ten seconds (at most once a second, as
  one burst's 429s arrive together); ten seconds without a 429 raise it by 10% a second, and once
  it grows past twice the last observed use it is dropped (the target is unlimited again).
]]
local stateKey, bucketsKey, inflightKey = KEYS[1], KEYS[2], KEYS[3]
local now, leaseId, sec = tonumber(ARGV[1]), ARGV[2], ARGV[3]
local tokenDelta, outcome, satFor = tonumber(ARGV[4]) or 0, ARGV[5], tonumber(ARGV[6])
local hLimitR, hRemainR, hResetR = tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9])
local hLimitT, hRemainT, hResetT = tonumber(ARGV[10]), tonumber(ARGV[11]), tonumber(ARGV[12])
local learn, defaultSat, ttl = ARGV[13] == '1', tonumber(ARGV[14]), tonumber(ARGV[15])
local learnTokens = ARGV[16] == '1'

local function fmt(n) return string.format('%.0f', n) end

if leaseId ~= '' then redis.call('ZREM', inflightKey, leaseId) end
if tokenDelta ~= 0 and redis.call('HEXISTS', bucketsKey, 't:' .. sec) == 1 then
  redis.call('HINCRBY', bucketsKey, 't:' .. sec, tokenDelta)
end

local state = {}
local raw = redis.call('HGETALL', stateKey)
for i = 1, #raw, 2 do state[raw[i]] = raw[i + 1] end
local sat = tonumber(state.sat_until or '0') or 0
local changes = {}

local function saturate(ms)
  if ms ~= nil and ms > 0 and now + ms > sat then
    sat = now + ms
    changes.sat_until = fmt(sat)
  end
end

-- Requests started over the last ten seconds, as a per-minute rate.
local function recentRpm()
  local nowSec = math.floor(now / 1000)
  local n = 0
  for s = nowSec - 9, nowSec do n = n + (tonumber(redis.call('HGET', bucketsKey, 'r:' .. s) or '0') or 0) end
  return n * 6
end

if learn and hLimitR ~= nil and hLimitR > 0 then
  changes.learned_rpm = fmt(hLimitR)
  changes.learned_from = 'headers'
end
if learnTokens and hLimitT ~= nil and hLimitT > 0 then changes.learned_tpm = fmt(hLimitT) end
if hRemainR ~= nil and hRemainR <= 0 then saturate(hResetR) end
if hRemainT ~= nil and hRemainT <= 0 then saturate(hResetT) end

if outcome == 'saturated' then
  -- A 429 always saturates for a moment: "retry at once" from every waiting job is a stampede.
  if satFor == nil then satFor = defaultSat end
  saturate(math.max(satFor, 100))
  changes.last_429 = fmt(now)
  redis.call('HINCRBY', stateKey, 'count_429', 1)
  local lastCut = tonumber(state.cut_at or '0') or 0
  if learn and changes.learned_rpm == nil and now - lastCut >= 1000 then
    local learned = tonumber(state.learned_rpm or '0') or 0
    local seen = recentRpm()
    local base = seen
    if learned > 0 and learned < base then base = learned end
    if base <= 0 then base = learned end
    if base > 0 then
      changes.learned_rpm = fmt(math.max(6, math.floor(base * 0.7)))
      changes.learned_from = 'aimd'
      changes.cut_at = fmt(now)
    end
  end
elseif outcome == 'ok' and learn and state.learned_from == 'aimd' then
  local last429 = tonumber(state.last_429 or '0') or 0
  local raisedAt = tonumber(state.raised_at or '0') or 0
  local learned = tonumber(state.learned_rpm or '0') or 0
  if learned > 0 and now - last429 >= 10000 and now - raisedAt >= 1000 then
    local raised = math.ceil(learned * 1.1) + 1
    if raised > 2 * math.max(recentRpm(), 6) then
      redis.call('HDEL', stateKey, 'learned_rpm', 'learned_from', 'raised_at')
    else
      changes.learned_rpm = fmt(raised)
      changes.raised_at = fmt(now)
    end
  end
end

local flatChanges = {}
for k, v in pairs(changes) do
  flatChanges[#flatChanges + 1] = k
  flatChanges[#flatChanges + 1] = v
end
if #flatChanges > 0 then redis.call('HSET', stateKey, unpack(flatChanges)) end
redis.call('PEXPIRE', stateKey, ttl)
if sat > now then return sat end
return 0
