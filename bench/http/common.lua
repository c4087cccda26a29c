-- Shared by the wrk scripts: the data set's account numbers (as in gen.c),
-- a per-thread random seed, and a done() that prints one JSON line with the
-- rate, the latency percentiles and every kind of error, for bench/run.
local common = {}

common.accounts = tonumber(os.getenv("BENCH_ACCOUNTS") or "1000")

-- The number an account sends from (gen.c: "+1" then 2010000000 + id).
function common.account_number(id)
  return string.format("+1%d", 2010000000 + id)
end

function common.seed(thread_id)
  math.randomseed(os.time() * 1000 + thread_id)
end

function common.done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "status_errors": %d, "connect_errors": %d,' ..
    ' "read_errors": %d, "write_errors": %d, "timeouts": %d, "p50_us": %d, "p90_us": %d,' ..
    ' "p99_us": %d, "p999_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.max))
end

return common
