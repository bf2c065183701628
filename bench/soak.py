"""Soak: mixed load at a fixed rate against a throw-away oidcd, for a bounded
time, reporting failed requests, RSS and open file descriptors at start and
end. Run by hand (bench/soak.sh), never by the tests.

Mix per second of RATE requests: 40 % tokens, 30 % introspection, 25 % gate,
5 % revocation of a fresh token. Loopback only; every loop is bounded by the
duration."""

import os
import random
import sys
import threading
import time

import requests

port, minutes, rate = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
pid = int(sys.argv[4])
books = dict(zip(("id", "secret"), sys.argv[5:7]))
rs = dict(zip(("id", "secret"), sys.argv[7:9]))
base = f"http://127.0.0.1:{port}"
WORKERS = 8
stats = {"ok": 0, "failed": 0, "by_kind": {}}
lock = threading.Lock()


def rss_kib():
    with open(f"/proc/{pid}/status") as f:
        return int(next(line for line in f if line.startswith("VmRSS")).split()[1])


def fds():
    return len(os.listdir(f"/proc/{pid}/fd"))


def token(s):
    r = s.post(base + "/token", data={"grant_type": "client_credentials"},
               auth=(books["id"], books["secret"]), timeout=10)
    return r, (r.json()["access_token"] if r.status_code == 200 else None)


def one(s, kind, tok):
    if kind == "token":
        return token(s)[0]
    if kind == "introspect":
        r = s.post(base + "/introspect", data={"token": tok}, auth=(rs["id"], rs["secret"]),
                   timeout=10)
        return r if r.status_code != 200 or r.json().get("active") else None
    if kind == "gate":
        return s.get(base + "/gate?scope=read_books", headers={"Authorization": f"Bearer {tok}"},
                     timeout=10)
    fresh = token(s)[1]
    return s.post(base + "/revoke", data={"token": fresh},
                  auth=(books["id"], books["secret"]), timeout=10)


def worker(deadline, interval):
    s = requests.Session()
    tok = token(s)[1]
    next_at = time.monotonic()
    while time.monotonic() < deadline:
        kind = random.choices(["token", "introspect", "gate", "revoke"], [40, 30, 25, 5])[0]
        try:
            r = one(s, kind, tok)
            good = r is not None and r.status_code == 200
        except requests.RequestException:
            good = False
        with lock:
            stats["ok" if good else "failed"] += 1
            stats["by_kind"][kind] = stats["by_kind"].get(kind, 0) + 1
        next_at += interval
        time.sleep(max(0.0, next_at - time.monotonic()))
    s.close()


start_rss, start_fds = rss_kib(), fds()
deadline = time.monotonic() + minutes * 60
threads = [threading.Thread(target=worker, args=(deadline, WORKERS / rate))
           for _ in range(WORKERS)]
samples, fd_samples = [], []
for t in threads:
    t.start()
while any(t.is_alive() for t in threads) and time.monotonic() < deadline + 30:
    samples.append(rss_kib())
    fd_samples.append(fds())
    time.sleep(5)
for t in threads:
    t.join(timeout=30)
time.sleep(1)  # let the server see the clients' connections close
print(f"requests={stats['ok'] + stats['failed']} failed={stats['failed']} "
      f"mix={stats['by_kind']}")
print(f"rss_kib start={start_rss} end={rss_kib()} max={max(samples or [0])}")
# one sample at the end of each tenth of the run: levelling off shows here
tenths = [samples[min(len(samples) - 1, (i + 1) * len(samples) // 10 - 1)]
          for i in range(10)] if samples else []
print(f"rss_kib by tenth: {' '.join(map(str, tenths))}")
# each server thread opens its database connection on first use: compare
# from the first sample under load on
print(f"fds start={start_fds} first_under_load={(fd_samples or [0])[0]} "
      f"max_under_load={max(fd_samples or [0])} end={fds()}")
sys.exit(1 if stats["failed"] else 0)
