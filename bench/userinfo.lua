-- wrk script: GET /userinfo with a user's bearer token $TOKEN.
dofile("bench/report.lua")
wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
