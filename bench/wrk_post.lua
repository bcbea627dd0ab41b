-- wrk script for bench/http_load.py: POSTs a unique JSON body to /v1/check per request,
-- cycling through the JSON-lines file given as the first script argument, and prints a
-- one-line JSON summary (prefixed BENCH_JSON) when the run is done.
--   wrk -t2 -c16 -d20s -s bench/wrk_post.lua http://127.0.0.1:PORT -- BODIES.jsonl

local thread_count = 0

function setup(thread)
  thread:set("thread_id", thread_count)
  thread_count = thread_count + 1
end

local bodies = {}
local position = 0
local sent = 0

function init(args)
  local path = args[1]
  for line in io.lines(path) do
    if #line > 0 then
      bodies[#bodies + 1] = line
    end
  end
  -- threads start at different places in the pool
  position = ((thread_id or 0) * 7919) % #bodies
end

-- Every request is unique: a reference number (thread, count) before the ad's first word.
function request()
  position = position % #bodies + 1
  sent = sent + 1
  local reference = string.format("Ref %d-%d. ", thread_id or 0, sent)
  local body = bodies[position]:gsub('"text": "', '"text": "' .. reference, 1)
  return wrk.format("POST", "/v1/check", {["Content-Type"] = "application/json"}, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"duration_us": %d, "requests": %d, "bytes": %d, "connect": %d, ' ..
    '"read": %d, "write": %d, "status": %d, "timeout": %d, "p50_us": %d, "p90_us": %d, ' ..
    '"p99_us": %d, "max_us": %d, "mean_us": %.1f}\n',
    summary.duration, summary.requests, summary.bytes, e.connect, e.read, e.write,
    e.status, e.timeout, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, latency.mean))
end
