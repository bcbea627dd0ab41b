-- wrk script for bench/http_load.py: POSTs a different JSON body to /v1/check per request,
-- cycling through the JSON-lines file given as the first script argument, and prints a
-- one-line JSON summary (prefixed BENCH_JSON) when the run is done.
--   wrk -t2 -c16 -d20s -s bench/wrk_post.lua http://127.0.0.1:PORT -- BODIES.jsonl

local thread_count = 0

function setup(thread)
  thread:set("thread_id", thread_count)
  thread_count = thread_count + 1
end

local prepared = {}
local position = 0

function init(args)
  local path = args[1]
  for line in io.lines(path) do
    if #line > 0 then
      prepared[#prepared + 1] = wrk.format(
        "POST", "/v1/check", {["Content-Type"] = "application/json"}, line
      )
    end
  end
  -- threads start at different places in the pool
  position = ((thread_id or 0) * 7919) % #prepared
end

function request()
  position = position % #prepared + 1
  return prepared[position]
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
