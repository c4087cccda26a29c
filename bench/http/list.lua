-- wrk: GET /v1/accounts/{id}/messages?limit=50, the newest page of a random
-- account (uniform over BENCH_ACCOUNTS), as pgbench/list.sql selects.
-- BENCH_LIMIT sets another page size (bench/run --server-cost asks for 100).
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(dir .. "common.lua")

local thread_count = 0
function setup(thread)
  thread:set("id", thread_count)
  thread_count = thread_count + 1
end

function init(args)
  common.seed(id or 0)
end

local limit = tonumber(os.getenv("BENCH_LIMIT") or "50")

function request()
  local account = math.random(1, common.accounts)
  return wrk.format("GET", "/v1/accounts/" .. account .. "/messages?limit=" .. limit)
end

done = common.done
