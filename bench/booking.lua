-- wrk: each request books the next (shift, clinician) pair from FP_TARGETS, split between the
-- threads; only 201s count as bookings. A thread stops when its targets run out.
local threads = {}
local counter = 0

function setup(thread)
  thread:set("index", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  targets = {}
  local f = io.open(os.getenv("FP_TARGETS"))
  local i = 0
  for line in f:lines() do
    if i % counter_total() == index then
      local id, tok = line:match("(%d+) (%S+)")
      table.insert(targets, {id, tok})
    end
    i = i + 1
  end
  f:close()
  next_target = 1
  created = 0
  refused = 0
end

function counter_total()
  return tonumber(os.getenv("WRK_THREADS") or "2")
end

function request()
  local t = targets[next_target]
  if t == nil then
    wrk.thread:stop()
    return wrk.format("GET", "/healthz")
  end
  next_target = next_target + 1
  return wrk.format("POST", "/api/v1/shifts/" .. t[1] .. "/booking", {["Authorization"] = "Bearer " .. t[2]})
end

function response(status, headers, body)
  if status == 201 then created = created + 1 else refused = refused + 1 end
end

function done(summary, latency, requests)
  local total, refused_total = 0, 0
  for _, t in ipairs(threads) do
    total = total + t:get("created")
    refused_total = refused_total + t:get("refused")
  end
  local secs = summary.duration / 1e6
  io.write(string.format("created %d\nrefused %d\ncreated_per_sec %.0f\n", total, refused_total, total / secs))
end
