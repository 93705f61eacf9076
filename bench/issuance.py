"""Bulk issuance: N pending credentials issued by 2 Celery worker processes through Redis.

Creates the pending credentials in bulk (learners, enrolments, completions, credentials with
their real snapshot), starts ``celery worker --concurrency 2`` on the bench queue, waits until
it is ready, then enqueues every credential with the real task (``issue_credential.delay``) and
times from the first enqueue to the last credential marked issued: end to end, rendering,
signing, storing the PDF and the notification email (to the dummy backend) included.
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import timedelta
from pathlib import Path

from bench.environment import VENV_BIN, WORK, server_env

POLL_SECONDS = 0.25


def create_pending(count: int, prefix: str = "issue") -> list[int]:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from bench.seed import bulk
    from courses.models import CourseCompletion, CoursePage, Enrollment
    from courses.progress import course_steps
    from courses.services import course_edition
    from credentials.models import Credential, StatusListCounter
    from credentials.snapshot import completion_snapshot

    User = get_user_model()
    password = make_password(None)
    bulk(
        User,
        (
            User(
                username=f"{prefix}{n:06d}",
                email=f"{prefix}{n:06d}@bench.example",
                password=password,
                credential_name=f"Issue Learner {n}",
                display_name=f"Issue Learner {n}",
                credential_name_confirmed_at=timezone.now(),  # or issuance waits for the name
            )
            for n in range(count)
        ),
    )
    users = list(User.objects.filter(username__startswith=prefix).order_by("username"))
    courses = list(CoursePage.objects.live().order_by("path"))
    editions = {c.pk: course_edition(c, course_steps(c)) for c in courses}
    skills = {c.pk: sorted(tag.name for tag in c.skills.all()) for c in courses}
    now = timezone.now()
    bulk(
        Enrollment,
        (
            Enrollment(user=u, course=courses[n % len(courses)], cycle_started_at=now)
            for n, u in enumerate(users)
        ),
    )
    enrolments = {
        e.user_id: e for e in Enrollment.objects.filter(user__in=users).select_related("course")
    }
    bulk(
        CourseCompletion,
        (
            CourseCompletion(
                enrollment=enrolments[u.pk],
                user=u,
                course=enrolments[u.pk].course,
                course_title=enrolments[u.pk].course.title,
                cycle=1,
                edition=editions[enrolments[u.pk].course_id],
            )
            for u in users
        ),
    )
    completions = list(
        CourseCompletion.objects.filter(user__in=users).select_related("user", "course")
    )
    snapshots = {}
    for completion in completions:  # the real snapshot, computed once per course
        if completion.course_id not in snapshots:
            snapshots[completion.course_id] = completion_snapshot(completion)
    with transaction.atomic():
        counter, _ = StatusListCounter.objects.select_for_update().get_or_create(pk=1)
        first = counter.next_index
        counter.next_index = first + len(completions)
        counter.save(update_fields=["next_index"])
    bulk(
        Credential,
        (
            Credential(
                completion=completion,
                user=completion.user,
                course=completion.course,
                printed_name=completion.user.credential_name,
                skills=skills[completion.course_id],
                snapshot=snapshots[completion.course_id],
                status_list_index=first + n,
                valid_from=completion.completed_at,
                expires_on=(completion.completed_at + timedelta(days=365)).date(),
            )
            for n, completion in enumerate(completions)
        ),
    )
    return list(
        Credential.objects.filter(user__in=users, status=Credential.Status.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def start_workers():
    from django.conf import settings

    from bench.servers import Process

    log = WORK / "logs" / "celery.log"
    log.unlink(missing_ok=True)
    command = [
        str(VENV_BIN / "celery"),
        "-A",
        "lms",
        "worker",
        "--concurrency",
        "2",
        "--pool",
        "prefork",
        "-Q",
        settings.CELERY_TASK_DEFAULT_QUEUE,
        "--loglevel",
        "INFO",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "-n",
        "bench-issue@%h",
    ]
    worker = Process("celery", command, env=server_env(), cwd=Path.cwd(), log=log)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if " ready." in worker.tail(50):
            return worker
        if not worker.alive():
            raise RuntimeError(f"the Celery worker exited:\n{worker.tail()}")
        time.sleep(0.25)
    worker.stop()
    raise RuntimeError(f"the Celery worker was not ready in 90 s:\n{worker.tail()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--profile", type=int, default=30, help="then profile N in-process")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db.models import Max
    from django.utils import timezone

    from credentials.models import Credential
    from credentials.tasks import issue_credential

    prepared = time.monotonic()
    ids = create_pending(args.count)
    prepare_seconds = time.monotonic() - prepared
    worker = start_workers()
    try:
        started_at = timezone.now()
        started = time.monotonic()
        for pk in ids:
            issue_credential.delay(pk)
        enqueue_seconds = time.monotonic() - started
        mine = Credential.objects.filter(pk__gte=ids[0], pk__lte=ids[-1])  # bulk: contiguous
        issued = failed = 0
        while time.monotonic() - started < args.timeout:
            issued = mine.filter(status=Credential.Status.ISSUED).count()
            failed = mine.filter(status=Credential.Status.FAILED).count()
            if issued + failed >= len(ids):
                break
            time.sleep(POLL_SECONDS)
        issued = mine.filter(status=Credential.Status.ISSUED).count()
        failed = mine.filter(status=Credential.Status.FAILED).count()
        last = mine.filter(status=Credential.Status.ISSUED).aggregate(last=Max("updated_at"))
        finished_at = last["last"] or timezone.now()
    finally:
        worker.stop(timeout=30)
    seconds = (finished_at - started_at).total_seconds()
    complete = issued + failed >= len(ids)
    result = {
        "count": len(ids),
        "issued": issued,
        "failed": failed,
        "complete": complete,
        "seconds": round(seconds, 2),
        "per_second": round(issued / seconds, 1) if seconds > 0 else 0.0,
        "enqueue_seconds": round(enqueue_seconds, 2),
        "prepare_seconds": round(prepare_seconds, 1),
        "workers": "celery worker --pool prefork --concurrency 2 (Redis broker)",
    }
    result["task_seconds_mean"] = task_seconds_mean()
    if args.profile:
        result.update(profile_in_process(args.profile))
    args.out.write_text(json.dumps(result, indent=1))
    print(json.dumps(result))


def task_seconds_mean() -> float | None:
    """Mean run time Celery logged per task ("succeeded in N s")."""
    times = [
        float(line.rsplit("succeeded in ", 1)[1].split("s:", 1)[0])
        for line in (WORK / "logs" / "celery.log").read_text(errors="replace").splitlines()
        if "succeeded in " in line
    ]
    return round(sum(times) / len(times), 4) if times else None


def profile_in_process(count: int) -> dict:
    """Issue ``count`` more credentials in this process, without Celery, under pyinstrument:
    what one issuance costs beyond rendering and signing (locks, storage, email)."""
    from credentials.services import credential_issue

    # Timed without the profiler (pyinstrument roughly doubles the cost of this code, so a
    # figure taken under it overstated one issuance), then profiled on as many again.
    ids = create_pending(2 * count, prefix="profiled")
    timed, profiled = ids[:count], ids[count:]
    started = time.perf_counter()
    for pk in timed:
        credential_issue(credential_id=pk)
    per_credential_ms = 1000 * (time.perf_counter() - started) / len(timed)
    try:
        from pyinstrument import Profiler
    except ImportError:
        return {"in_process_ms_per_credential": round(per_credential_ms, 1)}
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for pk in profiled:
        credential_issue(credential_id=pk)
    profiler.stop()
    from bench.environment import RESULTS_DIR, ROOT

    path = RESULTS_DIR / "profiles" / "credential-issue-in-process.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"credential_issue in one process without Celery: {per_credential_ms:.1f} ms each "
        f"(mean of {len(timed)}, not profiled); the profile of {len(profiled)} more:\n\n"
        + profiler.output_text(unicode=False, color=False, show_all=False)
    )
    return {
        "in_process_ms_per_credential": round(per_credential_ms, 1),
        "in_process_profile": str(path.relative_to(ROOT)),
    }


if __name__ == "__main__":
    main()
