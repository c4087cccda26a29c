-- wrk: GET /v1/messages?sender_number=...&limit=50, the newest page sent
-- from a random account's number, as pgbench/search.sql selects.
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
  local number = common.account_number(math.random(1, common.accounts))
  return wrk.format("GET", "/v1/messages?sender_number=%2B" .. number:sub(2) .. "&limit=50")
end

done = common.done
