-- wrk script: POST /login with the right password, the CSRF cookie and field
-- ($CSRF_COOKIE "name=value", $CSRF the value) and the authorize request in
-- next ($NEXT, form-encoded). Each is an argon2id verification and a new
-- session: a 303 back to /authorize.
dofile("bench/report.lua")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = os.getenv("CSRF_COOKIE")
wrk.body = "username=bench&password=" .. os.getenv("PASSWORD") .. "&csrf_token="
    .. os.getenv("CSRF") .. "&next=" .. os.getenv("NEXT")
