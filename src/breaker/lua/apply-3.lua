--[[
  Applies one event to one target's breaker, atomically, and announces a transition.
  Mirrors src/breaker/policy.ts rule for rule; the contract tests hold the two to the same answers.

  Input:
    KEYS[1] state hash     (state, since, streak | reopen_count, half_open_at | probes, successes, probe_at)
    KEYS[2] window hash    (c:<bucket start ms> calls, f:<bucket start ms> failures)
    KEYS[3] errors list    (JSON error records, newest first)

    ARGV[1]  now, epoch ms (the caller owns the clock)
    ARGV[2]  event: acquire | tick | success | failure | release | force
    ARGV[3]  probe: 1 when the permit is a half-open probe, else 0
    ARGV[4]  success count
    ARGV[5]  success time, epoch ms (the last success of a batch)
    ARGV[6]  failure error class
    ARGV[7]  failure HTTP status, '' when none
    ARGV[8]  failure Retry-After ms, '' when none
    ARGV[9]  failure message (already trimmed)
    ARGV[10] failure record, JSON, pushed to the errors list
    ARGV[11] force action: open | close | auto
    ARGV[12] target (provider/model), for the announcement
    ARGV[13] channel to PUBLISH transitions on
    ARGV[14..25] failureThreshold, windowMs, failureRate, minimumCalls, resetTimeoutMs,
                 maxResetTimeoutMs, halfOpenMaxCalls, halfOpenSuccesses, probeLeaseMs, maxErrors,
                 bucketMs, key TTL ms

  Output: { grant ('call' | 'probe' | ''), from, to, reason ('' x3 when no transition),
            state hash as a flat list, window hash as a flat list, errors list }

  A transition is PUBLISHed once, as JSON: {target, from, to, reason, at (ms, string), state (hash)}.
  The state hash of a forced state has no TTL (the operator owns it until `auto`); every other key
  gets the TTL on each write.
]]
local stateKey, windowKey, errorsKey = KEYS[1], KEYS[2], KEYS[3]
local now = tonumber(ARGV[1])
local event = ARGV[2]
local probe = ARGV[3] == '1'
local count = tonumber(ARGV[4]) or 0
local successAt = tonumber(ARGV[5]) or now
local errorClass, status, retryAfter = ARGV[6], ARGV[7], tonumber(ARGV[8])
local message, errorJson, action = ARGV[9], ARGV[10], ARGV[11]
local target, channel = ARGV[12], ARGV[13]
local threshold, windowMs, failureRate = tonumber(ARGV[14]), tonumber(ARGV[15]), tonumber(ARGV[16])
local minimumCalls, resetMs, maxResetMs = tonumber(ARGV[17]), tonumber(ARGV[18]), tonumber(ARGV[19])
local halfOpenMax, halfOpenNeeded, leaseMs = tonumber(ARGV[20]), tonumber(ARGV[21]), tonumber(ARGV[22])
local maxErrors, bucketMs, ttlMs = tonumber(ARGV[23]), tonumber(ARGV[24]), tonumber(ARGV[25])

local function fmt(n) return string.format('%.0f', n) end

local raw = redis.call('HGETALL', stateKey)
local cur = {}
for i = 1, #raw, 2 do cur[raw[i]] = raw[i + 1] end
local name = cur.state or 'closed'
local function field(f) return tonumber(cur[f] or '0') or 0 end

local out = nil -- the state to write, as a full hash; nil when unchanged
local transition = nil
local grant = ''

local function keep(changes)
  out = {}
  for k, v in pairs(cur) do out[k] = v end
  out.state = name
  out.since = cur.since or '0'
  for k, v in pairs(changes) do out[k] = v end
end

local function move(to, reason, changes)
  out = { state = to, since = fmt(now) }
  for k, v in pairs(changes) do out[k] = v end
  transition = { name, to, reason }
end

local function pruneWindow()
  for _, f in ipairs(redis.call('HKEYS', windowKey)) do
    local start = tonumber(string.sub(f, 3))
    if start == nil or start + bucketMs <= now - windowMs then redis.call('HDEL', windowKey, f) end
  end
end

local function countWindow(calls, failures)
  pruneWindow()
  local start = fmt(math.floor(now / bucketMs) * bucketMs)
  redis.call('HINCRBY', windowKey, 'c:' .. start, calls)
  if failures > 0 then redis.call('HINCRBY', windowKey, 'f:' .. start, failures) end
  redis.call('PEXPIRE', windowKey, ttlMs)
end

local function windowTotals()
  pruneWindow()
  local calls, failures = 0, 0
  local flat = redis.call('HGETALL', windowKey)
  for i = 1, #flat, 2 do
    local kind = string.sub(flat[i], 1, 2)
    if kind == 'c:' then calls = calls + tonumber(flat[i + 1]) else failures = failures + tonumber(flat[i + 1]) end
  end
  return calls, failures
end

local function describe()
  return '(' .. (status ~= '' and status or 'no status') .. '): ' .. message
end

-- Each re-open without a success doubles the timeout; a longer Retry-After stretches it; both capped.
local function openFields(reopenCount)
  local timeout = math.min(resetMs * 2 ^ math.min(reopenCount, 30), maxResetMs)
  if retryAfter ~= nil and retryAfter > timeout then timeout = math.min(retryAfter, maxResetMs) end
  return { reopen_count = fmt(reopenCount), half_open_at = fmt(now + timeout) }
end

local function closeFresh(reason)
  redis.call('DEL', windowKey)
  move('closed', reason, { streak = '' })
end

-- Probe slots held longer than the lease belong to calls whose process died: take them back.
local function reclaimProbes()
  if field('probes') > 0 and now >= field('probe_at') + leaseMs then
    cur.probes = '0'
    keep({})
  end
end

local function releaseProbe()
  if name == 'half_open' and probe then keep({ probes = fmt(math.max(0, field('probes') - 1)) }) end
end

local function streakOf(text, keepAfter)
  local streak = {}
  for t in string.gmatch(text or '', '[^,]+') do
    local v = tonumber(t)
    if v > keepAfter then table.insert(streak, v) end
  end
  return streak
end

local function joinStreak(streak)
  local parts = {}
  for i, v in ipairs(streak) do parts[i] = fmt(v) end
  return table.concat(parts, ',')
end

local function closedFailure()
  local streak = streakOf(cur.streak, now - windowMs)
  table.insert(streak, now)
  while #streak > threshold do table.remove(streak, 1) end
  if errorClass == 'misconfigured' then
    move('open', 'misconfigured ' .. describe(), openFields(0))
    return
  end
  if #streak >= threshold then
    move('open', ARGV[14] .. ' consecutive failures within ' .. ARGV[15] .. ' ms', openFields(0))
    return
  end
  local calls, failures = windowTotals()
  if calls >= minimumCalls and failures / calls >= failureRate then
    move('open', 'failure rate ' .. fmt(failures) .. '/' .. fmt(calls) .. ' reached ' .. ARGV[16] ..
      ' after ' .. fmt(calls) .. ' calls', openFields(0))
    return
  end
  keep({ streak = joinStreak(streak) })
end

if event == 'acquire' then
  if name == 'closed' or name == 'forced_closed' then
    grant = 'call'
  elseif name == 'open' then
    if now >= field('half_open_at') then
      move('half_open', 'reset timeout elapsed', {
        reopen_count = fmt(field('reopen_count')), probes = '1', successes = '0', probe_at = fmt(now) })
      grant = 'probe'
    end
  elseif name == 'half_open' then
    reclaimProbes()
    if field('probes') < halfOpenMax then
      keep({ probes = fmt(field('probes') + 1), probe_at = fmt(now) })
      grant = 'probe'
    end
  end
elseif event == 'tick' then
  if name == 'open' and now >= field('half_open_at') then
    move('half_open', 'reset timeout elapsed', {
      reopen_count = fmt(field('reopen_count')), probes = '0', successes = '0', probe_at = '0' })
  elseif name == 'half_open' then
    reclaimProbes()
  end
elseif event == 'success' then
  if count > 0 then
    countWindow(count, 0)
    if name == 'closed' then
      -- Batched successes arrive late: they end only the failures that happened before them.
      keep({ streak = joinStreak(streakOf(cur.streak, successAt)) })
    elseif name == 'half_open' and probe then
      local successes = field('successes') + 1
      if successes >= halfOpenNeeded then
        closeFresh(fmt(successes) .. ' probe(s) succeeded')
      else
        keep({ probes = fmt(math.max(0, field('probes') - 1)), successes = fmt(successes) })
      end
    end
  end
elseif event == 'failure' then
  if errorClass ~= 'transient' and errorClass ~= 'misconfigured' and errorClass ~= 'invalid_output' then
    releaseProbe()
  else
    countWindow(1, 1)
    if maxErrors > 0 then
      redis.call('LPUSH', errorsKey, errorJson)
      redis.call('LTRIM', errorsKey, 0, maxErrors - 1)
      redis.call('PEXPIRE', errorsKey, ttlMs)
    end
    if name == 'closed' then
      closedFailure()
    elseif name == 'half_open' and probe then
      move('open', 'probe failed: ' .. errorClass .. ' ' .. describe(), openFields(field('reopen_count') + 1))
    end
  end
elseif event == 'release' then
  releaseProbe()
elseif event == 'force' then
  if action == 'open' and name ~= 'forced_open' then
    move('forced_open', 'forced open by operator', {})
  elseif action == 'close' and name ~= 'forced_closed' then
    move('forced_closed', 'forced closed by operator', {})
  elseif action == 'auto' and (name == 'forced_open' or name == 'forced_closed') then
    closeFresh('released by operator')
  end
end

if out ~= nil then
  redis.call('DEL', stateKey)
  local flat = {}
  for k, v in pairs(out) do
    table.insert(flat, k)
    table.insert(flat, v)
  end
  redis.call('HSET', stateKey, unpack(flat))
  if out.state == 'forced_open' or out.state == 'forced_closed' then
    redis.call('PERSIST', stateKey)
  else
    redis.call('PEXPIRE', stateKey, ttlMs)
  end
end

if transition ~= nil then
  redis.call('PUBLISH', channel, cjson.encode({
    target = target, from = transition[1], to = transition[2], reason = transition[3], at = ARGV[1], state = out }))
  return { grant, transition[1], transition[2], transition[3],
    redis.call('HGETALL', stateKey), redis.call('HGETALL', windowKey), redis.call('LRANGE', errorsKey, 0, -1) }
end
return { grant, '', '', '', redis.call('HGETALL', stateKey), redis.call('HGETALL', windowKey),
  redis.call('LRANGE', errorsKey, 0, -1) }
