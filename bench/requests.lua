-- wrk script for the HTTP benchmarks: replays the requests listed in a file,
-- in order and round again, so that every run sends the same sequence.
-- One request per line, fields separated by tabs:
--   METHOD  PATH  BODY (may be empty)  NAME: VALUE  NAME: VALUE ...
-- usage: wrk ... -s bench/requests.lua URL -- REQUESTS_FILE
local requests, count, nextIndex = {}, 0, 0

function init(args)
  local file = args[1] or error("requests.lua: name the requests file after --")
  for line in io.lines(file) do
    if line ~= "" then
      local fields = {}
      for field in (line .. "\t"):gmatch("([^\t]*)\t") do fields[#fields + 1] = field end
      local headers = {}
      for i = 4, #fields do
        local name, value = fields[i]:match("^([^:]+):%s*(.*)$")
        if name then headers[name] = value end
      end
      local body = fields[3] ~= "" and fields[3] or nil
      count = count + 1
      -- Formatted once here, so that each request costs the client a table lookup.
      requests[count] = wrk.format(fields[1], fields[2], headers, body)
    end
  end
  if count == 0 then error("requests.lua: no requests in " .. file) end
end

function request()
  nextIndex = nextIndex % count + 1
  return requests[nextIndex]
end
