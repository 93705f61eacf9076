"""Profile endpoints in-process with pyinstrument, and count their SQL queries.

Runs the same requests the load generator sends through Django's test client, under the
bench settings and database, and writes one text profile per endpoint with the queries of one
request appended: bench/results/profiles/<tag>-<endpoint>.txt. Needs pyinstrument (a dev tool,
not a dependency: ``pip install pyinstrument==5.1.3``).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
from http.cookies import SimpleCookie
from pathlib import Path

from bench.environment import HOST, RESULTS_DIR, ROOT

REQUESTS = 60  # the first two warm up; the rest are split between the two profilers


def requests_for(name: str, fixtures: dict) -> list[tuple[str, str, str, str]]:
    """(method, path, cookie, body) tuples, as the load generator sends them."""
    if name in ("home", "catalogue", "course"):
        return [("GET", fixtures[name], "", "")] * REQUESTS
    if name == "lesson":
        return [("GET", fixtures["lesson"], fixtures["lesson_cookie"], "")] * REQUESTS
    if name == "dashboard":
        return [("GET", "/dashboard/", fixtures["dashboard_cookie"], "")] * REQUESTS
    ids = fixtures["verify_ids"]
    if name == "verification_page":
        return [("GET", f"/verify/{ids[n % len(ids)]}/", "", "") for n in range(REQUESTS)]
    if name == "verification_api":
        path = "/api/v1/credentials/{}/verification"
        return [("GET", path.format(ids[n % len(ids)]), "", "") for n in range(REQUESTS)]
    if name == "quiz_submit":
        from quizzes.models import Attempt

        wanted = [r for r in fixtures["quiz"]["requests"]]
        open_ids = set(
            Attempt.objects.filter(
                pk__in=[r["attempt"] for r in wanted], status=Attempt.Status.OPEN
            ).values_list("pk", flat=True)
        )
        return [
            ("POST", r["path"], r["cookie"], r["body"]) for r in wanted if r["attempt"] in open_ids
        ][:80]
    return []


def send(client, method: str, path: str, cookie: str, body: str):
    client.cookies = SimpleCookie()
    if cookie:
        client.cookies.load(cookie)
    if method == "POST":
        return client.post(path, data=body, content_type="application/x-www-form-urlencoded")
    return client.get(path)


def own_time(client, requests: list, top: int = 30) -> str:
    """cProfile's functions with the most own time over the same requests (a flat view)."""
    profile = cProfile.Profile()
    profile.enable()
    for request in requests:
        send(client, *request)
    profile.disable()
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    out.write("\nProject code and the template engine by cumulative time (cProfile):\n")
    ours = r"/work/main/(?!\.venv)|template/(base|loader_tags)"
    stats.sort_stats("cumtime").print_stats(ours, top)
    return "\n".join(ln for ln in out.getvalue().splitlines() if ln.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--endpoints", nargs="+", required=True)
    parser.add_argument("--fixtures", type=Path, required=True)
    parser.add_argument("--tag", default="profile")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from pyinstrument import Profiler

    fixtures = json.loads(args.fixtures.read_text())
    folder = RESULTS_DIR / "profiles"
    folder.mkdir(parents=True, exist_ok=True)
    client = Client(HTTP_HOST=HOST, HTTP_X_FORWARDED_PROTO="https", HTTP_ORIGIN=f"https://{HOST}")
    summary = {}
    for name in args.endpoints:
        requests = requests_for(name, fixtures)
        if len(requests) < 3:
            summary[name] = {"problem": "nothing to profile"}
            continue
        # Warm caches as a running server has them (every distinct GET once; the load
        # generator's warm-up did the same on the server).
        for request in dict.fromkeys(r for r in requests if r[0] == "GET"):
            send(client, *request)
        send(client, *requests[0])
        with CaptureQueriesContext(connection) as queries:
            response = send(client, *requests[1])
        captured = list(queries.captured_queries)  # a property: later requests reset the log
        half = (len(requests) - 2) // 2
        sampled, counted = requests[2 : 2 + half], requests[2 + half :]
        profiler = Profiler(interval=0.0005)
        profiler.start()
        for request in sampled:
            send(client, *request)
        profiler.stop()
        seconds = profiler.last_session.duration
        per_request_ms = 1000 * seconds / len(sampled)
        text = profiler.output_text(unicode=False, color=False, show_all=False)
        text += "\n\nHeaviest functions by own time (cProfile):\n" + own_time(client, counted)
        sql = "\n".join(f"{n + 1:3}. {q['sql'][:300]}" for n, q in enumerate(captured))
        path = folder / f"{args.tag}-{name}.txt"
        path.write_text(
            f"{name}: {len(sampled)} requests in-process, {per_request_ms:.2f} ms each "
            f"(status {response.status_code}), {len(captured)} SQL queries "
            f"per request\n\n{text}\n\nQueries of one request:\n{sql}\n"
        )
        summary[name] = {
            "ms_per_request_in_process": round(per_request_ms, 2),
            "queries": len(captured),
            "status": response.status_code,
            "file": str(path.relative_to(ROOT)),
        }
    args.out.write_text(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
