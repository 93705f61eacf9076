"""Throwaway services for the fault tests, so the suite's own PostgreSQL and Redis stay up.

``ThrowawayRedis`` is a ``redis-server`` on a free loopback port that a test can kill -9 and
start again on the same port. ``CuttableProxy`` is a loopback TCP proxy in front of
PostgreSQL: ``cut()`` drops every open connection and refuses new ones until ``restore()``.
Everything binds to 127.0.0.1 and every wait is bounded.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, timeout: float, interval: float = 0.1):
    """Poll ``condition`` until it is truthy or ``timeout`` seconds have passed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    return condition()


def _answers_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class ThrowawayRedis:
    """A private, non-persistent ``redis-server`` the test may crash and restart."""

    def __init__(self, log_dir: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log_dir = log_dir
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        log = open(self.log_dir / f"redis-{self.port}.log", "ab")  # noqa: SIM115 - Popen keeps it
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no", "--protected-mode", "yes"],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        assert wait_for(lambda: _answers_ping(self.port), timeout=10), "redis-server didn't start"

    def kill(self) -> None:
        """kill -9: no shutdown, no goodbye to clients, the data is gone."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)
        assert not _answers_ping(self.port)

    @property
    def up(self) -> bool:
        return _answers_ping(self.port)


class CuttableProxy:
    """Forward 127.0.0.1:<port> to ``upstream``; ``cut()`` and ``restore()`` the link."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.2)
        self.port = self.listener.getsockname()[1]
        self.connected = threading.Event()  # set when the link is up
        self.connected.set()
        self.closing = False
        self.lock = threading.Lock()
        self.open_sockets: set[socket.socket] = set()
        self.accepted = 0
        self.refused = 0
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while not self.closing:
            try:
                client, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if not self.connected.is_set():
                self.refused += 1
                client.close()  # the client sees the server close the connection at once
                continue
            try:
                server = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                client.close()
                continue
            self.accepted += 1
            with self.lock:
                self.open_sockets |= {client, server}
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                target.sendall(data)
        except OSError:
            pass
        finally:
            self._close(source, target)

    def _close(self, *sockets: socket.socket) -> None:
        with self.lock:
            for sock in sockets:
                self.open_sockets.discard(sock)
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()

    def cut(self) -> None:
        """Drop every open connection mid-stream and refuse new ones."""
        self.connected.clear()
        with self.lock:
            sockets = list(self.open_sockets)
        self._close(*sockets)

    def restore(self) -> None:
        self.connected.set()

    def stop(self) -> None:
        self.closing = True
        self.cut()
        self.listener.close()
        self.thread.join(timeout=5)


class CeleryWorker:
    """A real ``celery worker`` (prefork, one pool process) on this run's queue and test DB."""

    def __init__(self, log_path: Path, *, database_url: str, queue: str, run_id: str, **env):
        self.log_path = log_path
        environment = {
            # The run id already names this xdist worker: don't let the child add it again.
            **{k: v for k, v in os.environ.items() if k != "PYTEST_XDIST_WORKER"},
            "DJANGO_SETTINGS_MODULE": "lms.settings.test",
            "DATABASE_URL": database_url,
            "LINEAGE_CELERY_EAGER": "0",
            "LINEAGE_TEST_RUN_ID": run_id,
            **env,
        }
        self.log = open(log_path, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "lms", "worker", "--pool=prefork"]
            + ["--concurrency=1", "--loglevel=INFO", "-Q", queue]
            + ["--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT,
            env=environment,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        ready = wait_for(lambda: "ready" in self.log_path.read_text(), timeout=60, interval=0.2)
        assert ready, self.log_path.read_text()[-3000:]

    @property
    def pid(self) -> int:
        return self.process.pid

    def pool_pids(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.pid)], capture_output=True, text=True)
        return [int(p) for p in out.stdout.split()]

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.log.close()


def stored_files() -> set[str]:
    """Every file under MEDIA_ROOT ("media/...") and LINEAGE_PRIVATE_ROOT ("private/..."),
    temporary and partial files included."""
    from django.conf import settings

    roots = {"media": settings.MEDIA_ROOT, "private": settings.LINEAGE_PRIVATE_ROOT}
    return {
        os.path.join(label, os.path.relpath(os.path.join(folder, name), root))
        for label, root in roots.items()
        for folder, _, names in os.walk(root)
        for name in names
    }
