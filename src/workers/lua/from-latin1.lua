--[[
  Not a script: job-handoff.ts puts it into activate-job-11.lua and finish-job-18.lua.

  fromLatin1(s): the bytes of a binary argument (BullMQ's msgpack-packed options) that the worker
  sent as latin1 text, which ioredis writes in UTF-8 (text-args.ts): a byte 0x80-0xBF came as
  C2 and itself, a byte 0xC0-0xFF as C3 and itself less 0x40; bytes below 0x80 as they are. The
  first pass cannot make a false C3 pair (every C3 left is a lead followed by its own byte).

  textArgs(args, positions): each position listed ("8", "8,9", or "") decoded in place.
]]
local function fromC3(byte)
  return string.char(string.byte(byte) + 64)
end

local function fromLatin1(s)
  s = string.gsub(s, '\194([\128-\191])', '%1')
  return (string.gsub(s, '\195([\128-\191])', fromC3))
end

local function textArgs(args, positions)
  for at in string.gmatch(positions, '%d+') do
    local i = tonumber(at)
    args[i] = fromLatin1(args[i])
  end
  return args
end
