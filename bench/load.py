"""Drive one endpoint with wrk for a bounded time and read back checked figures."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench.environment import BENCH_DIR, HOST

LUA = BENCH_DIR / "wrk" / "measure.lua"
THREADS = 2
CONNECTIONS = 16
HEADERS = {"X-Forwarded-Proto": "https"}  # production redirects plain HTTP


@dataclass(frozen=True)
class Target:
    """One endpoint and what every one of its responses must look like."""

    name: str
    port: int
    path: str = "/"
    status: int = 200
    location: str = "-"  # substring the Location header must contain (redirects)
    body: str = "-"  # substring the body must contain (e.g. proof the learner is logged in)
    cookie: str = ""
    requests_file: Path | None = None  # one request per line (see measure.lua)
    once: bool = False  # requests are single-use (quiz attempts): never repeat one
    extra_headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Measurement:
    name: str
    requests: int = 0
    seconds: float = 0.0
    rps: float = 0.0
    p50_ms: float = 0.0
    p90_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    good: int = 0
    errors: int = 0
    error_detail: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def wrk_command(target: Target, seconds: float) -> list[str]:
    command = [
        "wrk",
        f"-t{THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "--latency",
        "-s",
        str(LUA),
    ]
    headers = {**HEADERS, **target.extra_headers}
    if target.cookie:
        headers["Cookie"] = target.cookie
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    command += [
        f"http://{HOST}:{target.port}{target.path}",
        "--",
        str(THREADS),
        str(target.status),
        target.location,
        target.body,
        str(target.requests_file) if target.requests_file else "-",
        "once" if target.once else "wrap",
    ]
    return command


def run_wrk(target: Target, seconds: float) -> Measurement:
    """Run wrk against ``target``; any response that fails its checks is an error."""
    completed = subprocess.run(
        wrk_command(target, seconds),
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=False,
    )
    line = next((ln for ln in completed.stdout.splitlines() if ln.startswith("BENCH_JSON ")), None)
    if line is None:
        return Measurement(
            target.name,
            errors=1,
            error_detail=f"wrk failed: {completed.stderr.strip() or completed.stdout[-300:]}",
        )
    data = json.loads(line[len("BENCH_JSON ") :])
    socket_errors = sum(
        data[k] for k in ("connect_errors", "read_errors", "write_errors", "timeouts")
    )
    seconds_run = data["duration_us"] / 1e6
    errors = data["bad"] + socket_errors + data["exhausted"]
    detail = []
    if data["bad"]:
        detail.append(f"{data['bad']} unexpected responses (statuses: {data['bad_statuses']})")
    if socket_errors:
        detail.append(f"{socket_errors} socket errors/timeouts")
    if data["exhausted"]:
        detail.append(f"ran out of single-use requests {data['exhausted']} times")
    return Measurement(
        target.name,
        requests=data["requests"],
        seconds=round(seconds_run, 2),
        rps=round(data["requests"] / seconds_run, 1) if seconds_run else 0.0,
        p50_ms=round(data["p50_us"] / 1000, 2),
        p90_ms=round(data["p90_us"] / 1000, 2),
        p99_ms=round(data["p99_us"] / 1000, 2),
        max_ms=round(data["max_us"] / 1000, 2),
        good=data["good"],
        errors=errors,
        error_detail="; ".join(detail),
    )


def wait_idle(port: int, *, quick_ms: float = 50, timeout: float = 20) -> float:
    """Wait until the server has drained what the last run left queued; returns seconds waited.

    wrk stops with up to one request per connection still queued in gunicorn: a slow
    endpoint's backlog would otherwise be paid by the next measurement (the baseline).
    Idle means two baseline requests in a row answered in under ``quick_ms``.
    """
    started = time.monotonic()
    quick = 0
    while quick < 2 and time.monotonic() - started < timeout:
        begin = time.monotonic()
        probe(Target("idle", port, "/bench/baseline"))
        quick = quick + 1 if (time.monotonic() - begin) * 1000 < quick_ms else 0
    return time.monotonic() - started


def probe(target: Target) -> tuple[int, str]:
    """One request with Python, to tell "not there" from "broken" before loading it."""
    headers = {**HEADERS, **target.extra_headers}
    if target.cookie:
        headers["Cookie"] = target.cookie

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(f"http://{HOST}:{target.port}{target.path}", headers=headers)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")
