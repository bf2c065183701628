-- wrk script: authorization code flows with a live session. A connection
-- with no code in hand asks GET /authorize (session cookie $COOKIE, consent
-- not required) and gets a 302 with a code; the next request of any
-- connection of the thread redeems a waiting code at POST /token. A flow is a
-- 200 from /token: two RS256 signatures (access token and ID token).
-- $CLIENT_ID, $AUTH (base64 id:secret), $REDIRECT (percent-encoded), $BASE
-- (the issuer's path, "" or "/oidc").
-- flows and bad are globals: done() reads them from each thread with get()
local codes = {}
flows, bad = 0, 0
local base = os.getenv("BASE") or ""
local authorize = base .. "/authorize?response_type=code&scope=openid&state=s&client_id="
    .. os.getenv("CLIENT_ID") .. "&redirect_uri=" .. os.getenv("REDIRECT")
local cookie, auth = os.getenv("COOKIE"), "Basic " .. os.getenv("AUTH")
local token_path = base .. "/token"

request = function()
    local code = table.remove(codes)
    if code then
        return wrk.format("POST", token_path, {["Authorization"] = auth,
            ["Content-Type"] = "application/x-www-form-urlencoded"},
            "grant_type=authorization_code&redirect_uri=" .. os.getenv("REDIRECT")
            .. "&code=" .. code)
    end
    return wrk.format("GET", authorize, {["Cookie"] = cookie})
end

response = function(status, headers, body)
    if status == 302 then
        local code = (headers["Location"] or ""):match("[?&]code=([^&]+)")
        if code then table.insert(codes, code) else bad = bad + 1 end
    elseif status == 200 then
        flows = flows + 1
    else
        bad = bad + 1
    end
end

local threads = {}
setup = function(thread) table.insert(threads, thread) end

done = function(summary, latency, requests)
    local total, failed = 0, 0
    for _, t in ipairs(threads) do
        total = total + t:get("flows")
        failed = failed + t:get("bad")
    end
    io.write(string.format("requests=%d flows=%d bad=%d non2xx3xx=%d rps=%.1f p99_ms=%.2f\n",
        summary.requests, total, failed, summary.errors.status,
        total / (summary.duration / 1e6), latency:percentile(99) / 1000))
end
