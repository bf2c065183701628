-- wrk script: POST /introspect of $TOKEN, the caller authenticated by Basic $RS_AUTH.
dofile("bench/report.lua")
wrk.method = "POST"
wrk.body = "token=" .. os.getenv("TOKEN")
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Basic " .. os.getenv("RS_AUTH")
