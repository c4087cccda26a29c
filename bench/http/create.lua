-- wrk: POST /v1/accounts/{id}/messages, a verification-code SMS to a random
-- account (uniform over BENCH_ACCOUNTS), as pgbench/create.sql inserts.
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

local headers = {["Content-Type"] = "application/json"}

function request()
  local account = math.random(1, common.accounts)
  local body = string.format(
    '{"sender_number": "%s", "receiver_number": "+447%09d",' ..
    ' "body": "Your verification code is %06d. It expires in 10 minutes."}',
    common.account_number(account), math.random(0, 999999999), math.random(0, 999999))
  return wrk.format("POST", "/v1/accounts/" .. account .. "/messages", headers, body)
end

done = common.done
