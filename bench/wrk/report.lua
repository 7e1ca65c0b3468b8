-- wrk script: no request logic, only a machine-readable summary line at the end (after the
-- report.lua of the shared kit in ../shared/bench/wrk/):
--   BENCH <req/s> <p50 us> <p99 us> <non-2xx/3xx> <socket errors> <requests> <bytes>
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH\t%.1f\t%.0f\t%.0f\t%d\t%d\t%d\t%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout, summary.requests, summary.bytes))
end
