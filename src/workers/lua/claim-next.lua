--[[
  Not a script: job-handoff.ts puts it into activate-job-11.lua and finish-job-18.lua, after
  their claimRecord function (claim-result-1.lua).

  claimNext(next, recordPrefix, level, ttl): when BullMQ's answer `next` hands out a job the
  ladder named (BullMQ id `job.<id>`) whose data carries the same `id`, claims that job's record
  as a worker does before any provider call (claim-result-1.lua: no record JSON, activate) and
  puts the claim's answer in next[5], where BullMQ does not look. Anything else is left to the
  worker's own claim. The data's id is checked so that a raw producer's job whose BullMQ id and
  data disagree never touches the record its BullMQ id names: as the data's first key (the
  ladder's producer writes it first), or else by decoding data up to 8 KiB.
]]
local function dataId(fields)
  for i = 1, #fields, 2 do
    if fields[i] == 'data' then
      local data = fields[i + 1]
      local first = string.match(data, '^{"id":"([%w_%.@=%+%-]+)"[,}]')
      if first then return first end
      if #data > 8192 then return nil end
      local ok, decoded = pcall(cjson.decode, data)
      if ok and type(decoded) == 'table' and type(decoded.id) == 'string' then return decoded.id end
      return nil
    end
  end
  return nil
end

local function claimNext(next, recordPrefix, level, ttl)
  if type(next) ~= 'table' or type(next[1]) ~= 'table' or type(next[2]) ~= 'string' then
    return next
  end
  local id = string.match(next[2], '^job%.(.+)$')
  if not id or dataId(next[1]) ~= id then return next end
  next[5] = claimRecord({ recordPrefix .. id }, { '', 'active', level, ttl, '1' })
  return next
end
