-- wrk script: each request asks for PREFIX..ID, ID drawn at random from a list file.
--   wrk ... -s ids.lua http://127.0.0.1:PORT -- IDS_FILE PREFIX
-- IDS_FILE: one id a line (run.sh writes it from `SELECT id FROM procedures`).
-- PREFIX: the path the id is appended to, e.g. /thu-tuc/ or /api/v1/procedures/ .
-- Fixed seed per thread, so runs repeat the same sequence. Ends with the BENCH line of report.lua.
local ids, n = {}, 0
local prefix = "/thu-tuc/"
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

function init(args)
  local file = args[1]
  if not file then error("ids.lua: give the ids file after --") end
  prefix = args[2] or prefix
  for line in io.lines(file) do
    local id = line:match("^%s*(%d+)%s*$")
    if id then n = n + 1; ids[n] = id end
  end
  if n == 0 then error("ids.lua: no ids in " .. file) end
  math.randomseed(20261123 + (tid or 0))
end

function request()
  return wrk.format("GET", prefix .. ids[math.random(n)])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH\t%.1f\t%.0f\t%.0f\t%d\t%d\t%d\t%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout, summary.requests, summary.bytes))
end
