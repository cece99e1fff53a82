-- wrk script: POST one claim (CLAIM, default examples/claim.json) to /v1/claims/calculate.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = assert(io.open(os.getenv("CLAIM") or "examples/claim.json", "rb"))
wrk.body = f:read("*a")
f:close()
