-- Drive one endpoint and check every response (bench/load.py builds the command line).
--
--   wrk -t2 -c16 -d3s -s measure.lua http://127.0.0.1:8101 -- \
--       <threads> <expected status> <location substring|-> <body substring|-> <requests file|-> <wrap|once>
--
-- The requests file holds one request per line: method, path, cookie and body, tab-separated
-- (cookie and body may be empty). Thread k sends lines k, k+threads, ...; with "once" a thread
-- that runs out sends a request that fails the check instead of repeating one (quiz attempts are
-- single-use). Without a file every request is a GET of the URL's path.
--
-- A response counts as good only with the expected status, the expected Location (redirects)
-- and the expected text in the body; everything else is counted, by status, as bad.
-- done() prints one line, "BENCH_JSON {...}", with the counts and the latency percentiles (us).

local threads = {}
local thread_count = 0

function setup(thread)
   thread_count = thread_count + 1
   thread:set("tid", thread_count)
   table.insert(threads, thread)
end

local function split(line)
   local fields = {}
   for field in (line .. "\t"):gmatch("([^\t]*)\t") do
      table.insert(fields, field)
   end
   return fields
end

function init(args)
   nthreads = tonumber(args[1]) or 1
   expect_status = tonumber(args[2]) or 200
   expect_location = args[3] or "-"
   expect_body = args[4] or "-"
   local file = args[5] or "-"
   wrap = (args[6] or "wrap") ~= "once"
   good, bad, exhausted = 0, 0, 0
   bad_statuses = ""
   base_headers = {}
   for name, value in pairs(wrk.headers) do
      base_headers[name] = value
   end
   requests = {}
   if file ~= "-" then
      local n = 0
      for line in io.lines(file) do
         if line ~= "" then
            n = n + 1
            if (n - 1) % nthreads == tid - 1 then
               local f = split(line)
               local headers = {}
               for name, value in pairs(base_headers) do
                  headers[name] = value
               end
               if f[3] ~= nil and f[3] ~= "" then
                  headers["Cookie"] = f[3]
               end
               local body = nil
               if f[4] ~= nil and f[4] ~= "" then
                  body = f[4]
                  headers["Content-Type"] = "application/x-www-form-urlencoded"
               end
               table.insert(requests, wrk.format(f[1], f[2], headers, body))
            end
         end
      end
   end
   index = 0
end

function request()
   if #requests == 0 then
      return wrk.request()
   end
   index = index + 1
   if index > #requests then
      if wrap then
         index = 1
      else
         exhausted = exhausted + 1
         return wrk.format("GET", "/bench/pool-exhausted")
      end
   end
   return requests[index]
end

function response(status, headers, body)
   local ok = status == expect_status
   if ok and expect_location ~= "-" then
      local location = headers["Location"] or headers["location"] or ""
      ok = string.find(location, expect_location, 1, true) ~= nil
   end
   if ok and expect_body ~= "-" then
      ok = body ~= nil and string.find(body, expect_body, 1, true) ~= nil
   end
   if ok then
      good = good + 1
   else
      bad = bad + 1
      if #bad_statuses < 200 then
         bad_statuses = bad_statuses .. tostring(status) .. " "
      end
   end
end

function done(summary, latency, requests_)
   local total_good, total_bad, total_exhausted, statuses = 0, 0, 0, ""
   for _, thread in ipairs(threads) do
      total_good = total_good + (thread:get("good") or 0)
      total_bad = total_bad + (thread:get("bad") or 0)
      total_exhausted = total_exhausted + (thread:get("exhausted") or 0)
      statuses = statuses .. (thread:get("bad_statuses") or "")
   end
   local e = summary.errors
   io.write(string.format(
      'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "good": %d, "bad": %d, ' ..
      '"exhausted": %d, "connect_errors": %d, "read_errors": %d, "write_errors": %d, ' ..
      '"status_errors": %d, "timeouts": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, ' ..
      '"max_us": %d, "mean_us": %.1f, "bad_statuses": "%s"}\n',
      summary.requests, summary.duration, summary.bytes, total_good, total_bad,
      total_exhausted, e.connect, e.read, e.write, e.status, e.timeout,
      latency:percentile(50), latency:percentile(90), latency:percentile(99),
      latency.max, latency.mean, statuses:sub(1, 200)))
end
