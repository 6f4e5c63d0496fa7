-- wrk: a GET with the bench's bearer token.
local token = os.getenv("FP_TOKEN")
wrk.headers["Authorization"] = "Bearer " .. token
