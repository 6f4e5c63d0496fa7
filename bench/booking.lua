-- wrk: each request books the next (shift, clinician) pair from FP_TARGETS, split between the
-- threads; only 201s count as bookings. A thread stops when its targets run out, and the rate is
-- then taken over the time until the last thread ran out, not over wrk's whole duration.
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
  started = clock()
  finished = 0
end

-- Wall-clock seconds with sub-second precision (Lua's os.time() counts whole seconds).
function clock()
  local p = io.popen("date +%s.%N")
  local t = tonumber(p:read("*l"))
  p:close()
  return t
end

function counter_total()
  return tonumber(os.getenv("WRK_THREADS") or "2")
end

function request()
  local t = targets[next_target]
  if t == nil then
    if finished == 0 then finished = clock() end
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
  local total, refused_total, first, last = 0, 0, nil, 0
  for _, t in ipairs(threads) do
    total = total + t:get("created")
    refused_total = refused_total + t:get("refused")
    local s, f = t:get("started"), t:get("finished")
    if first == nil or s < first then first = s end
    if f == 0 then last = nil elseif last ~= nil and f > last then last = f end
  end
  local secs = summary.duration / 1e6
  if last ~= nil then secs = last - first end
  io.write(string.format("created %d\nrefused %d\nseconds %.2f\ncreated_per_sec %.0f\n", total, refused_total, secs,
                          total / secs))
end
