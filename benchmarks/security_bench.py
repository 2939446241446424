"""Security benchmark (issue 12's figures) against a running app on one small corpus file:
server RSS growth for a 200 MB chunked body, and other requests' latency while 4 clients guess a
password — with the sign-in throttle off (the hash alone, off the event loop) and on.

    python -m benchmarks.security_bench [--seconds 6]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import httpx

from benchmarks.servers import (
    API_KEY,
    AUTH,
    CORPUS,
    MB,
    make_settings,
    password_guessers,
    rss_mb,
    running_app,
    send_chunked,
)
from netlaw.stats import percentile
from service.api import hash_key


def guessing(url: str, seconds: float) -> tuple[float, float, dict[int, int]]:
    """(p50 ms alone, p50 ms while 4 clients guess, status counts of the guesses)."""
    other = httpx.Client(base_url=url, timeout=30)

    def p50(n: int) -> float:
        times = []
        for _ in range(n):
            started = time.perf_counter()
            other.get("/api/documents", headers=AUTH)
            times.append((time.perf_counter() - started) * 1000)
            time.sleep(0.01)
        return percentile(times, 50)

    alone = p50(30)
    with password_guessers(url, "alice") as statuses:
        deadline, attacked = time.time() + seconds, []
        while time.time() < deadline:
            attacked.append(p50(5))
    return alone, percentile(attacked, 50), {s: statuses.count(s) for s in sorted(set(statuses))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.security_bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=6.0, help="how long the 4 clients guess")
    args = parser.parse_args(argv)
    from ingest.pipeline import run_ingest

    with tempfile.TemporaryDirectory() as tmp:
        s = make_settings(Path(tmp) / "seed")
        run_ingest([CORPUS / "001_dc8b80564701d042.txt"], s, progress=False)
        for label, failures in (("throttle off", "1000000"), ("throttle on (5)", "5")):
            extra = {"NETLAW_API_KEYS": f"bench:{hash_key(API_KEY)}", "NETLAW_API_RATE_PER_MINUTE": "1000000",
                     "NETLAW_LOGIN_MAX_FAILURES": failures}
            with running_app(Path(tmp) / label.split()[1], s.store_dir, extra) as (url, _, proc):
                if failures == "5":
                    before = rss_mb(proc.pid)
                    started = time.perf_counter()
                    status, sent = send_chunked(url, "/api/ask", 200 * MB)
                    print(f"200 MB chunked POST /api/ask: {status} after {sent / MB:.0f} MB sent, "
                          f"{time.perf_counter() - started:.2f} s, server RSS +{rss_mb(proc.pid) - before:.1f} MB")
                alone, attacked, counts = guessing(url, args.seconds)
                print(f"{label}: other requests' p50 {alone:.1f} ms alone, {attacked:.1f} ms under 4 guessing "
                      f"clients; guesses by status: {counts}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
