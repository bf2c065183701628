-- wrk script: GET /gate?scope=read_books with the bearer token $TOKEN.
dofile("bench/report.lua")
wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
