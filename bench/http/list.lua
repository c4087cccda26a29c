-- wrk: GET /v1/accounts/{id}/messages?limit=50, the newest page of a random
-- account (uniform over BENCH_ACCOUNTS), as pgbench/list.sql selects.
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

function request()
  local account = math.random(1, common.accounts)
  return wrk.format("GET", "/v1/accounts/" .. account .. "/messages?limit=50")
end

done = common.done
