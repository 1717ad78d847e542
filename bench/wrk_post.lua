-- wrk script for bench/submit_wrk_bench.py: POSTs with a fresh Idempotency-Key per request.
-- args: <mode: submit|bare> <ids file or body file> <bearer token> <run prefix>
-- submit: POST /v1/applications/<id>/submit {"confirm": true}, the ids taken round-robin
-- bare:   POST /bare with the body read from the file
-- done() prints one JSON line the bench parses.
local threads = {}
local counter = 0

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  mode, source, token, prefix = args[1], args[2], args[3], args[4]
  nthreads = tonumber(args[5]) or 1
  if mode == "submit" then
    ids = {}
    for line in io.lines(source) do
      if #line > 0 then ids[#ids + 1] = line end
    end
    body = '{"confirm":true}'
  else
    local f = assert(io.open(source, "r"))
    body = f:read("*a")
    f:close()
  end
  headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
  }
end

function request()
  counter = counter + 1
  headers["Idempotency-Key"] = prefix .. "-" .. tid .. "-" .. counter
  local path = "/bare"
  if mode == "submit" then
    path = "/v1/applications/" .. ids[((counter * nthreads + tid) % #ids) + 1] .. "/submit"
  end
  return wrk.format("POST", path, headers, body)
end

function done(summary, latency, requests)
  io.write(string.format(
    'WRK_RESULT {"requests": %d, "duration_us": %d, "status_errors": %d, "connect": %d, ' ..
    '"read": %d, "write": %d, "timeout": %d, "p50_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration, summary.errors.status, summary.errors.connect,
    summary.errors.read, summary.errors.write, summary.errors.timeout,
    latency:percentile(50), latency:percentile(99)))
end
