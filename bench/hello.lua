-- wrk script: the ceiling, a plain GET.
dofile("bench/report.lua")
