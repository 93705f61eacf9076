"""Processes the bench starts and stops: gunicorn servers and Celery workers.

Each runs in its own session (process group), so stopping it stops exactly its own workers.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench.environment import HOST, WORK

WORKERS = 2


class Process:
    def __init__(self, name: str, command: list[str], *, env: dict, cwd: Path, log: Path):
        self.name = name
        self.log_path = log
        log.parent.mkdir(parents=True, exist_ok=True)
        self._log = log.open("ab")
        self.popen = subprocess.Popen(  # noqa: S603 - our own command line
            command,
            env=env,
            cwd=cwd,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def stop(self, timeout: float = 20) -> None:
        """TERM the process group we started, then KILL it if it lingers."""
        if self.alive():
            try:
                os.killpg(self.popen.pid, signal.SIGTERM)
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(timeout=10)
            except ProcessLookupError:
                pass
        self._log.close()

    def tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def gunicorn(name: str, python_bin: Path, app: str, port: int, *, env: dict, cwd: Path) -> Process:
    """``WORKERS`` sync workers on the loopback address, as in production."""
    command = [
        str(python_bin.parent / "gunicorn"),
        app,
        "--workers",
        str(WORKERS),
        "--worker-class",
        "sync",
        "--bind",
        f"{HOST}:{port}",
        "--timeout",
        "60",
        "--graceful-timeout",
        "5",
    ]
    return Process(name, command, env=env, cwd=cwd, log=WORK / "logs" / f"{name}.log")


def wait_until_up(process: Process, port: int, path: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    url = f"http://{HOST}:{port}{path}"
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})
    while time.monotonic() < deadline:
        if not process.alive():
            raise RuntimeError(f"{process.name} exited:\n{process.tail()}")
        try:
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{process.name} did not answer {url} in {timeout:.0f} s:\n{process.tail()}")
