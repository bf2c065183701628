-- wrk script: client_credentials token requests with HTTP Basic ($AUTH is the
-- base64 of "client_id:client_secret").
dofile("bench/report.lua")
wrk.method = "POST"
wrk.body = "grant_type=client_credentials"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Basic " .. os.getenv("AUTH")
