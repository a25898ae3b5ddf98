"""A bounded HTTP load generator for the loopback interface.

Each client is a thread with its own keep-alive ``http.client`` connection, sending GET requests one after
another (closed loop: a client waits for its answer before it asks again). A cell stops at whichever comes
first, ``max_requests`` requests in total or ``max_seconds`` of wall time, so a slow endpoint cannot make a
run unbounded. Only loopback addresses are accepted: this tool must never load anyone else's server.
"""

from __future__ import annotations

import http.client
import ipaddress
import math
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any


def require_loopback(host: str) -> None:
    """Refuse anything but a literal loopback address (no names: a name could resolve elsewhere)."""
    try:
        ok = ipaddress.ip_address(host).is_loopback
    except ValueError:
        ok = False
    if not ok:
        raise ValueError(f"bench targets the loopback interface only (e.g. 127.0.0.1), not {host!r}")


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100) of already sorted values, linearly interpolated; NaN when empty."""
    if not sorted_values:
        return math.nan
    if len(sorted_values) == 1:
        return sorted_values[0]
    pos = (len(sorted_values) - 1) * q / 100
    lo = math.floor(pos)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)


@dataclass
class LoadResult:
    path: str
    clients: int
    ok: int
    errors: int
    seconds: float
    throughput: float  # successful responses per second of wall time
    p50_ms: float
    p95_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float
    statuses: dict[str, int] = field(default_factory=dict)
    error_samples: list[str] = field(default_factory=list)
    stopped_by: str = "count"  # "count" or "time"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class _Budget:
    """Hands out request tickets until the count or the deadline runs out."""

    def __init__(self, max_requests: int, max_seconds: float) -> None:
        self.left = max_requests
        self.max_seconds = max_seconds
        self.deadline = math.inf
        self.timed_out = False
        self._lock = threading.Lock()

    def start(self) -> None:
        self.deadline = time.perf_counter() + self.max_seconds

    def take(self) -> bool:
        if time.perf_counter() >= self.deadline:
            self.timed_out = True
            return False
        with self._lock:
            if self.left <= 0:
                return False
            self.left -= 1
            return True


def run_load(
    *,
    host: str,
    port: int,
    path: str,
    clients: int,
    max_requests: int,
    max_seconds: float,
    headers: Mapping[str, str] | Sequence[Mapping[str, str]] | None = None,
    expect_status: int = 200,
    timeout: float = 30.0,
) -> LoadResult:
    """Send GET ``path`` from ``clients`` concurrent keep-alive connections, within the budget.

    ``headers`` is one mapping for every client or one per client (e.g. a session cookie each).
    A response with another status than ``expect_status``, or a connection failure, counts as an error.
    """
    require_loopback(host)
    if clients < 1 or max_requests < 1 or max_seconds <= 0:
        raise ValueError("clients, max_requests and max_seconds must be positive")
    if headers is None or isinstance(headers, Mapping):
        per_client = [dict(headers or {})] * clients
    else:
        if len(headers) < clients:
            raise ValueError(f"{clients} clients need {clients} header sets, got {len(headers)}")
        per_client = [dict(h) for h in headers[:clients]]

    budget = _Budget(max_requests, max_seconds)
    barrier = threading.Barrier(clients + 1)
    latencies: list[list[float]] = [[] for _ in range(clients)]
    statuses: list[dict[str, int]] = [{} for _ in range(clients)]
    errors = [0] * clients
    samples: list[str] = []

    def client(i: int) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=timeout)
        hdrs = {"Connection": "keep-alive", "User-Agent": "tuoyu-bench", **per_client[i]}
        try:
            conn.connect()
        except OSError as exc:
            samples.append(f"connect: {exc!r}")
        barrier.wait()
        lat, stat = latencies[i], statuses[i]
        while budget.take():
            t0 = time.perf_counter()
            try:
                conn.request("GET", path, headers=hdrs)
                resp = conn.getresponse()
                resp.read()
                status = resp.status
                if resp.will_close:
                    conn.close()  # the next request reconnects
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                errors[i] += 1
                stat["exception"] = stat.get("exception", 0) + 1
                if len(samples) < 5:
                    samples.append(repr(exc))
                continue
            elapsed = time.perf_counter() - t0
            stat[str(status)] = stat.get(str(status), 0) + 1
            if status == expect_status:
                lat.append(elapsed)
            else:
                errors[i] += 1
                if len(samples) < 5:
                    samples.append(f"HTTP {status}")
        conn.close()

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    budget.start()
    barrier.wait()
    started = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started

    all_lat = sorted(x for lst in latencies for x in lst)
    merged: dict[str, int] = {}
    for s in statuses:
        for k, v in s.items():
            merged[k] = merged.get(k, 0) + v
    ms = [x * 1000 for x in all_lat]
    return LoadResult(
        path=path,
        clients=clients,
        ok=len(all_lat),
        errors=sum(errors),
        seconds=round(wall, 3),
        throughput=len(all_lat) / wall if wall > 0 else 0.0,
        p50_ms=percentile(ms, 50),
        p95_ms=percentile(ms, 95),
        p99_ms=percentile(ms, 99),
        mean_ms=sum(ms) / len(ms) if ms else math.nan,
        max_ms=ms[-1] if ms else math.nan,
        statuses=merged,
        error_samples=samples[:5],
        stopped_by="time" if budget.timed_out else "count",
    )
