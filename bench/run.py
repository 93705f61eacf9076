"""``make bench [SCALE=small|large]``: seed, serve, load, measure, report. See bench/README.md.

Order of a run: database from the migrated template, issuer keys, static files, seed; the peer
(wagtail-lms in bench/peer/.venv) set up and seeded the same way; both served by gunicorn with
2 sync workers; every endpoint probed, warmed, then measured in rounds that alternate the
baseline and the endpoint (and our lesson page and the peer's); then the credential pipeline
and bulk issuance; results to bench/results/<date>-<scale>.json and bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

from bench import database, report
from bench.environment import (
    DB_NAME,
    HOST,
    INSTANCE,
    PEER_DB_NAME,
    PEER_DIR,
    PEER_PORT,
    PEER_PYTHON,
    PORT,
    REDIS_PREFIX,
    REDIS_URL,
    RESULTS_DIR,
    ROOT,
    SCALES,
    VENV_BIN,
    WORK,
    peer_env,
    server_env,
)
from bench.load import CONNECTIONS, Measurement, Target, probe, run_wrk, wait_idle
from bench.servers import Process, gunicorn, wait_until_up

STARTED = time.monotonic()


def say(message: str) -> None:
    elapsed = time.monotonic() - STARTED
    print(f"[bench {elapsed:6.1f}s] {message}", flush=True)


def sh(command: list[str], *, env: dict | None = None, cwd: Path = ROOT, timeout: float = 900):
    """Run a command; raise with its output if it fails."""
    done = subprocess.run(  # noqa: S603 - our own command lines
        command, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout[-2000:]}\n"
            f"{done.stderr[-3000:]}"
        )
    return done


def manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    return sh([sys.executable, "manage.py", *args], env=env)


# --- the machine -------------------------------------------------------------------------------


def machine() -> dict:
    def out(command: list[str]) -> str:
        try:
            return subprocess.run(  # noqa: S603
                command, capture_output=True, text=True, timeout=20, check=False
            ).stdout.strip()
        except OSError:
            return ""

    cpu = next(
        (
            ln.split(":", 1)[1].strip()
            for ln in out(["lscpu"]).splitlines()
            if ln.startswith("Model name")
        ),
        platform.processor(),
    )
    mem_kb = next(
        (
            int(ln.split()[1])
            for ln in Path("/proc/meminfo").read_text().splitlines()
            if ln.startswith("MemTotal")
        ),
        0,
    )
    status = out(["git", "-C", str(ROOT), "status", "--porcelain"])
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "postgresql": out(["psql", "-h", HOST, "-U", "postgres", "-Atc", "SHOW server_version"]),
        "redis": out(["redis-server", "--version"]).split(" v=")[-1].split(" ")[0],
        "wrk": out(["wrk", "--version"]).split(" [")[0],
        "git_commit": out(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"]),
        "uncommitted_files": len(status.splitlines()),
    }


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


# --- preparing the databases -------------------------------------------------------------------


def prepare_lineage(scale: str, env: dict) -> dict:
    migrations = [
        p for p in ROOT.glob("*/migrations/*.py") if not str(p).startswith(str(ROOT / "bench"))
    ]
    digest = database.fingerprint(migrations, (ROOT / "pyproject.toml").read_text())

    def migrate(name: str) -> None:
        manage(
            "migrate",
            "--noinput",
            env={**env, "DATABASE_URL": env["DATABASE_URL"].rsplit("/", 1)[0] + f"/{name}"},
        )

    template, built = database.ensure_template(DB_NAME, digest, migrate)
    say(f"schema template {template} ({'built now' if built else 'reused'})")
    database.create(DB_NAME, template=template)
    shutil.rmtree(WORK / "media", ignore_errors=True)
    manage("issuer_key_rotate", env=env)
    manage("collectstatic", "--noinput", "-v0", env=env)
    say("issuer key created, static files collected; seeding")
    fixtures_path = WORK / "fixtures.json"
    log = WORK / "logs" / "seed.log"  # written as it goes: `tail -f` it during a large seed
    with log.open("w") as out:
        code = subprocess.call(  # noqa: S603 - our own command line
            [sys.executable, "-m", "bench.seed", "--scale", scale, "--out", str(fixtures_path)],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=3600,
        )
    if code != 0:
        raise RuntimeError(f"seeding failed ({code}):\n{log.read_text()[-3000:]}")
    return json.loads(fixtures_path.read_text())


def prepare_peer(fixtures: dict) -> dict:
    """Install (if needed), migrate and seed the peer. Raises with what failed."""
    sh(["sh", str(PEER_DIR / "setup.sh")], timeout=900)
    version = sh(
        [str(PEER_PYTHON), "-c", "import importlib.metadata as m; print(m.version('wagtail-lms'))"]
    ).stdout.strip()
    env = peer_env()
    digest = database.fingerprint(
        [PEER_DIR / "requirements.txt", PEER_DIR / "peer_site" / "settings.py"]
    )

    def migrate(name: str) -> None:
        sh(
            [str(PEER_PYTHON), "manage.py", "migrate", "--noinput"],
            env={
                **env,
                "PEER_DATABASE_URL": env["PEER_DATABASE_URL"].rsplit("/", 1)[0] + f"/{name}",
            },
            cwd=PEER_DIR,
        )

    template, built = database.ensure_template(PEER_DB_NAME, digest, migrate)
    database.create(PEER_DB_NAME, template=template)
    from bench.seed import course_lessons

    lessons = course_lessons(0)
    lessons_file = WORK / "peer-lessons.json"
    lessons_file.write_text(
        json.dumps(
            {
                "course_title": lessons["course_title"],
                "course_summary": lessons["course_summary"],
                "lessons": lessons["lessons"],
                "position": fixtures["lesson_position"],
            }
        )
    )
    out = WORK / "peer-fixtures.json"
    sh([str(PEER_PYTHON), "seed_peer.py", str(lessons_file), str(out)], env=env, cwd=PEER_DIR)
    peer = json.loads(out.read_text())
    peer["version"] = version
    peer["template_built"] = built
    return peer


def redis_cleanup() -> None:
    """Delete the bench's keys (and only those) from its Redis database."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=f"{REDIS_PREFIX}*", count=1000))
    for start in range(0, len(keys), 1000):
        client.delete(*keys[start : start + 1000])


# --- the targets -------------------------------------------------------------------------------


def request_file(name: str, lines: list[tuple[str, str, str, str]]) -> Path:
    path = WORK / "requests" / f"{name}.tsv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join("\t".join(line) + "\n" for line in lines))
    return path


def targets(fixtures: dict, peer: dict | None) -> tuple[Target, dict[str, Target], dict[str, str]]:
    """The baseline, the measured endpoints, and why any endpoint is not measured."""
    baseline = Target("baseline", PORT, "/bench/baseline", body='"status": "ok"')
    found: dict[str, Target] = {
        "home": Target("home", PORT, fixtures["home"], body="</html>"),
        "catalogue": Target("catalogue", PORT, fixtures["catalogue"], body="/courses/course-000/"),
        "course": Target("course", PORT, fixtures["course"], body="</html>"),
        "lesson": Target(
            "lesson",
            PORT,
            fixtures["lesson"],
            cookie=fixtures["lesson_cookie"],
            body="Signed in as",
        ),
        "dashboard": Target(
            "dashboard",
            PORT,
            "/dashboard/",
            cookie=fixtures["dashboard_cookie"],
            body="Signed in as",
        ),
    }
    missing: dict[str, str] = {}
    routes = fixtures["routes"]
    if (
        routes.get("quiz_submit")
        or fixtures.get("quiz_problem")
        or not fixtures["quiz"]["requests"]
    ):
        missing["quiz_submit"] = (
            fixtures.get("quiz_problem") or routes.get("quiz_submit") or ("no quiz attempts seeded")
        )
    else:
        found["quiz_submit"] = Target(
            "quiz_submit",
            PORT,
            "/",
            status=302,
            location="/result/",
            once=True,
            extra_headers={"Origin": f"https://{HOST}:{PORT}"},
        )
    ids = fixtures["verify_ids"]
    if routes.get("verification_page"):
        missing["verification_page"] = routes["verification_page"]
    else:
        found["verification_page"] = Target(
            "verification_page",
            PORT,
            "/",
            body="Valid credential",
            requests_file=request_file(
                "verification_page", [("GET", f"/verify/{i}/", "", "") for i in ids]
            ),
        )
    if routes.get("verification_api"):
        missing["verification_api"] = routes["verification_api"]
    else:
        found["verification_api"] = Target(
            "verification_api",
            PORT,
            "/",
            body='"status": "valid"',
            requests_file=request_file(
                "verification_api",
                [("GET", f"/api/v1/credentials/{i}/verification", "", "") for i in ids],
            ),
        )
    if peer:
        found["peer_lesson"] = Target(
            "peer_lesson",
            PEER_PORT,
            peer["lesson"],
            cookie=peer["cookie"],
            body="lms-lesson__title",
        )
    return baseline, found, missing


def probe_all(baseline: Target, found: dict[str, Target], missing: dict[str, str]) -> None:
    """Drop (as "not available") any endpoint whose first answer isn't the expected one."""
    for name, target in list(found.items()):
        if target.requests_file is not None or target.once:
            continue  # probed by its warm-up instead (single-use or rotating requests)
        status, body = probe(target)
        ok = status == target.status and (target.body == "-" or target.body in body)
        if not ok:
            missing[name] = f"probe answered {status}" + (
                "" if status != 200 else f" without {target.body!r}"
            )
            del found[name]
    status, _ = probe(baseline)
    if status != 200:
        raise RuntimeError(f"the baseline answered {status}")


# --- quiz submit bookkeeping -------------------------------------------------------------------


def quiz_graded(quiz_ids: list[int]) -> int:
    return database.scalar(
        DB_NAME,
        "SELECT count(*) FROM quizzes_attempt WHERE quiz_id = ANY(%s) AND status <> 'open'",
        [quiz_ids],
    )


def quiz_round_file(fixtures: dict) -> Path:
    open_ids = set()
    ids = [r["attempt"] for r in fixtures["quiz"]["requests"]]
    url = f"{database.PG_ADMIN_URL.rsplit('/', 1)[0]}/{DB_NAME}"
    import psycopg

    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT id FROM quizzes_attempt WHERE id = ANY(%s) AND status = 'open'", [ids]
        ).fetchall()
    open_ids = {row[0] for row in rows}
    lines = [
        ("POST", r["path"], r["cookie"], r["body"])
        for r in fixtures["quiz"]["requests"]
        if r["attempt"] in open_ids
    ]
    return request_file("quiz_submit", lines)


def measure(target: Target, seconds: float, fixtures: dict) -> Measurement:
    """One bounded wrk run; quiz submits are also checked against the database."""
    if target.name != "quiz_submit":
        return run_wrk(target, seconds)
    target = replace(target, requests_file=quiz_round_file(fixtures))
    quiz_ids = fixtures["quiz"]["quiz_ids"]
    before = quiz_graded(quiz_ids)
    result = run_wrk(target, seconds)
    time.sleep(1)  # let the submits wrk cut off mid-flight finish
    graded = quiz_graded(quiz_ids) - before
    # wrk stops with up to one request per connection in flight: graded, never counted.
    if not result.good <= graded <= result.good + CONNECTIONS:
        result.errors += 1
        result.error_detail += (
            f"; {result.good} good responses but {graded} attempts graded in the database"
        )
    return result


# --- the run -----------------------------------------------------------------------------------


def summarise(rounds: list[dict], name: str, against: str = "baseline") -> dict:
    runs = [r[name] for r in rounds if name in r]
    refs = [r[f"{name}:{against}"] for r in rounds if f"{name}:{against}" in r]
    ratios = [m.rps / b.rps for m, b in zip(runs, refs, strict=False) if b.rps]
    errors = sum(m.errors for m in runs) + sum(b.errors for b in refs)
    return {
        "rps": round(statistics.median(m.rps for m in runs), 1),
        "p50_ms": round(statistics.median(m.p50_ms for m in runs), 2),
        "p99_ms": round(statistics.median(m.p99_ms for m in runs), 2),
        "p99_worst_ms": round(max(m.p99_ms for m in runs), 2),
        "requests": sum(m.requests for m in runs),
        "ratio": round(statistics.median(ratios), 3) if ratios else None,
        "errors": errors,
        "error_detail": "; ".join(
            sorted({m.error_detail for m in [*runs, *refs] if m.error_detail})
        ),
        "rounds": [m.as_dict() for m in runs],
        f"{against}_rounds": [b.as_dict() for b in refs],
    }


def load_rounds(
    baseline: Target,
    found: dict[str, Target],
    fixtures: dict,
    *,
    rounds: int,
    seconds: float,
    baseline_seconds: float,
) -> list[dict]:
    """Each round: for every endpoint, the baseline then the endpoint, back to back.

    The peer's lesson page follows ours in the same round, so both ratios are A/B pairs.
    """
    order = [n for n in found if n != "peer_lesson"]
    results = []
    for number in range(1, rounds + 1):
        result: dict[str, Measurement] = {}
        for name in order:
            wait_idle(PORT)
            result[f"{name}:baseline"] = run_wrk(baseline, baseline_seconds)
            wait_idle(PORT)
            result[name] = measure(found[name], seconds, fixtures)
            if name == "lesson" and "peer_lesson" in found:
                wait_idle(PORT)
                result["peer_lesson:baseline"] = run_wrk(baseline, baseline_seconds)
                result["peer_lesson"] = run_wrk(found["peer_lesson"], seconds)
                result["lesson:peer_lesson"] = result["peer_lesson"]
                # The peer has no baseline view to poll: give its backlog time to drain.
                time.sleep(CONNECTIONS / max(result["peer_lesson"].rps, 1) + 0.2)
            m = result[name]
            say(
                f"round {number} {name:18} {m.rps:8.1f} req/s  p50 {m.p50_ms:7.2f} ms  "
                f"p99 {m.p99_ms:7.2f} ms  baseline {result[f'{name}:baseline'].rps:7.1f}"
                + (f"  ERRORS {m.errors}: {m.error_detail}" if m.errors else "")
            )
        if "peer_lesson" in result:
            m = result["peer_lesson"]
            say(
                f"round {number} {'peer_lesson':18} {m.rps:8.1f} req/s  p99 {m.p99_ms:7.2f} ms"
                + (f"  ERRORS {m.errors}: {m.error_detail}" if m.errors else "")
            )
        results.append(result)
    return results


def run_python_step(module: str, args: list[str], env: dict, timeout: float) -> dict:
    out = WORK / f"{module.rsplit('.', 1)[-1]}.json"
    out.unlink(missing_ok=True)
    done = sh([sys.executable, "-m", module, *args, "--out", str(out)], env=env, timeout=timeout)
    (WORK / "logs" / f"{module.rsplit('.', 1)[-1]}.log").write_text(done.stdout + done.stderr)
    return json.loads(out.read_text())


def save_hostile(hostile: dict, *, write: bool = True) -> dict:
    """Record the hostile uploads' figures in bench/results/hostile-<date>.json (RESULTS.md
    shows the latest), with the machine they ran on."""
    hostile = {"date": date.today().isoformat(), "machine": machine(), **hostile}
    hostile["load_after"] = load_average()
    if write:
        RESULTS_DIR.mkdir(exist_ok=True)
        (RESULTS_DIR / f"hostile-{hostile['date']}.json").write_text(
            json.dumps(hostile, indent=1) + "\n"
        )
    return hostile


def hostile_only(scale: str, env: dict, *, keep: bool) -> None:
    """``--hostile-only``: the database and its credentials, then the hostile uploads alone."""
    WORK.mkdir(parents=True, exist_ok=True)
    (WORK / "logs").mkdir(exist_ok=True)
    load_before = load_average()
    try:
        redis_cleanup()
        prepare_lineage(scale, env)
        say("hostile uploads: the adversarial corpus, timed in-process")
        hostile = run_python_step("bench.hostile", [], env, timeout=900)
    finally:
        if not keep:
            database.drop(DB_NAME)
            redis_cleanup()
    hostile = save_hostile({"load_before": load_before, **hostile})
    report.write_results_md()
    say(f"wrote bench/results/hostile-{hostile['date']}.json and bench/RESULTS.md")
    for line in report.hostile_lines(hostile):
        print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=3, help="per endpoint per round")
    parser.add_argument("--baseline-seconds", type=float, default=2)
    parser.add_argument("--only", nargs="*", help="measure only these endpoints")
    parser.add_argument("--no-peer", action="store_true")
    parser.add_argument("--issue", type=int, default=10_000, help="credentials to bulk-issue")
    parser.add_argument(
        "--issue-timeout",
        type=float,
        default=90,
        help="seconds of issuance measured at most (keeps `make bench` under 10 minutes)",
    )
    parser.add_argument("--no-pipeline", action="store_true")
    parser.add_argument("--no-hostile", action="store_true", help="skip the hostile uploads")
    parser.add_argument(
        "--hostile-only",
        action="store_true",
        help="seed, then only time the hostile uploads (no servers, no load)",
    )
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    args = parser.parse_args()

    WORK.mkdir(parents=True, exist_ok=True)
    (WORK / "logs").mkdir(exist_ok=True)
    results: dict = {
        "scale": args.scale,
        "date": date.today().isoformat(),
        "command": "make bench SCALE=" + args.scale,
        "argv": sys.argv[1:],
        "machine": machine(),
        "load_before": load_average(),
        "settings": {
            "server": "gunicorn, 2 sync workers, lms.settings.production (DEBUG=False)",
            "load": f"wrk -t2 -c{CONNECTIONS}, {args.rounds} rounds x {args.seconds:g} s per "
            f"endpoint, each after {args.baseline_seconds:g} s of the baseline",
        },
    }
    env = server_env()
    if args.hostile_only:
        hostile_only(args.scale, env, keep=args.keep)
        return
    servers: list[Process] = []
    try:
        redis_cleanup()
        fixtures = prepare_lineage(args.scale, env)
        results["dataset"] = fixtures["counts"]
        results["seed_seconds"] = fixtures["seconds"]
        say(f"seeded in {fixtures['seconds']} s: {fixtures['counts']}")
        peer = None
        results["peer"] = {"measured": False}
        if not args.no_peer:
            try:
                peer = prepare_peer(fixtures)
                results["peer"] = {
                    "measured": True,
                    "package": "wagtail-lms",
                    "version": peer["version"],
                    "lessons": peer["lessons"],
                    "lesson": peer["lesson"],
                }
                say(f"peer wagtail-lms {peer['version']} seeded: {peer['lesson']}")
            except Exception as exc:  # reported in RESULTS.md, the rest still runs
                results["peer"] = {"measured": False, "problem": str(exc)[-1500:]}
                say(f"peer unavailable: {str(exc)[-300:]}")

        servers.append(
            gunicorn(
                "lineage", VENV_BIN / "python", "lms.wsgi:application", PORT, env=env, cwd=ROOT
            )
        )
        wait_until_up(servers[0], PORT, "/bench/baseline")
        if peer:
            servers.append(
                gunicorn(
                    "peer",
                    PEER_PYTHON,
                    "peer_site.wsgi:application",
                    PEER_PORT,
                    env=peer_env(),
                    cwd=PEER_DIR,
                )
            )
            wait_until_up(servers[-1], PEER_PORT, peer["course"])
        baseline, found, missing = targets(fixtures, peer)
        if args.only:
            found = {k: v for k, v in found.items() if k in args.only}
        probe_all(baseline, found, missing)
        say("warming up: " + ", ".join(found))
        for target in [baseline, *found.values()]:
            warm = measure(target, 1, fixtures)
            if warm.errors:
                missing[target.name] = f"warm-up failed: {warm.error_detail}"
                found.pop(target.name, None)
        for name, why in missing.items():
            say(f"not measured: {name}: {why}")
        rounds = load_rounds(
            baseline,
            found,
            fixtures,
            rounds=args.rounds,
            seconds=args.seconds,
            baseline_seconds=args.baseline_seconds,
        )
        endpoints = {}
        for name in found:
            endpoints[name] = summarise(rounds, name)
        if "peer_lesson" in found and "lesson" in endpoints:
            endpoints["lesson"]["peer_ratio"] = summarise(rounds, "lesson", "peer_lesson")["ratio"]
        endpoints["baseline"] = {
            "rps": round(
                statistics.median(
                    m.rps for r in rounds for k, m in r.items() if k.endswith(":baseline")
                ),
                1,
            ),
            "p50_ms": round(
                statistics.median(
                    m.p50_ms for r in rounds for k, m in r.items() if k.endswith(":baseline")
                ),
                2,
            ),
            "p99_ms": round(
                statistics.median(
                    m.p99_ms for r in rounds for k, m in r.items() if k.endswith(":baseline")
                ),
                2,
            ),
            "errors": sum(
                m.errors for r in rounds for k, m in r.items() if k.endswith(":baseline")
            ),
        }
        results["endpoints"] = endpoints
        results["not_measured"] = {
            name: f"not measured: endpoint not available in this run ({why})"
            for name, why in missing.items()
        }
        for server in servers:
            server.stop()
        servers = []
        results["load_after_web"] = load_average()

        if not args.no_pipeline:
            say("credential pipeline: render + sign against the floor")
            results["pipeline"] = run_python_step("bench.pipeline", [], env, timeout=600)
        if not args.no_hostile:
            say("hostile uploads: the adversarial corpus, timed in-process")
            results["hostile"] = save_hostile(
                run_python_step("bench.hostile", [], env, timeout=900), write=not INSTANCE
            )
        if args.issue:
            say(f"bulk issuance: {args.issue} pending credentials, 2 Celery worker processes")
            # The verifications above queued log-writing tasks no worker consumed: drop them,
            # so the workers start on the credentials (the verdict cache stays warm).
            sh([str(VENV_BIN / "celery"), "-A", "lms", "purge", "-f", "-Q", REDIS_PREFIX], env=env)
            results["issuance"] = run_python_step(
                "bench.issuance",
                ["--count", str(args.issue), "--timeout", str(args.issue_timeout)],
                env,
                timeout=args.issue_timeout + 600,
            )
            shutil.rmtree(WORK / "media" / "credentials", ignore_errors=True)
        results["targets"] = report.evaluate(results)
        if not args.no_profile:
            # Every measured endpoint (not just the misses): the profiles explain the ratios.
            wanted = [n for n in results.get("endpoints", {}) if n in report.PAGES]
            if wanted:
                say("profiling in-process: " + ", ".join(wanted))
                try:
                    results["profiles"] = run_python_step(
                        "bench.profiling",
                        [
                            "--endpoints",
                            *wanted,
                            "--fixtures",
                            str(WORK / "fixtures.json"),
                            "--tag",
                            f"{results['date']}-{args.scale}",
                        ],
                        env,
                        timeout=600,
                    )
                except Exception as exc:
                    results["profiles"] = {"problem": str(exc)[-1000:]}
    finally:
        for server in servers:
            server.stop()
        results["load_after"] = load_average()
        results["seconds"] = round(time.monotonic() - STARTED, 1)
        if not args.keep:
            for name in (DB_NAME, PEER_DB_NAME):
                try:
                    database.drop(name)
                except Exception as exc:  # noqa: BLE001 - cleanup must not hide the result
                    say(f"could not drop {name}: {exc}")
            redis_cleanup()
    RESULTS_DIR.mkdir(exist_ok=True)
    if INSTANCE:
        # A side-by-side run keeps its own file and leaves RESULTS.md to the main run: two
        # runs on one day would otherwise overwrite each other's <date>-<scale>.json.
        out = RESULTS_DIR / f"{results['date']}-{args.scale}.{INSTANCE}.json.tmp"
        out.write_text(json.dumps(results, indent=1) + "\n")
        say(f"wrote {out.relative_to(ROOT)} in {results['seconds']} s")
    else:
        out = RESULTS_DIR / f"{results['date']}-{args.scale}.json"
        out.write_text(json.dumps(results, indent=1) + "\n")
        report.write_results_md()
        say(f"wrote {out.relative_to(ROOT)} and bench/RESULTS.md in {results['seconds']} s")
    for line in report.summary_lines(results):
        print(line)


if __name__ == "__main__":
    main()
