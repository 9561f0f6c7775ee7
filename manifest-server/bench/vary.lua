-- One wrk request generator for every varied case of run.sh: GET REQ_PATH, with a value that is
-- new on each request in the query parameter VARY_PARAM or the header VARY_HEADER (a fleet's
-- device ids), and the fixed headers of REQ_HEADERS ("name: value" pairs separated by "|").
local path = os.getenv("REQ_PATH")
local param = os.getenv("VARY_PARAM")
local header = os.getenv("VARY_HEADER")
local headers = {}
for pair in string.gmatch(os.getenv("REQ_HEADERS") or "", "[^|]+") do
  local name, value = string.match(pair, "^%s*([^:]+):%s*(.-)%s*$")
  headers[name] = value
end
local n = 0
request = function()
  n = n + 1
  local id = "d-" .. n .. "-" .. math.random(1000000)
  local target = path
  if param then
    target = path .. (string.find(path, "?", 1, true) and "&" or "?") .. param .. "=" .. id
  end
  if header then
    headers[header] = id
  end
  return wrk.format("GET", target, headers)
end
