"""A live demo server and Debian's Chromium driven by Playwright.

The server is the real thing a newcomer gets from `make run` (dev settings, demo content),
started once per session on a scratch SQLite file and a free port, and stopped by PID.
Without Chromium these tests skip locally but fail under CI=true.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def _require_chromium():
    if shutil.which(CHROMIUM) is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is required under CI=true (apt-get install chromium)")
        pytest.skip("Chromium is not installed")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"demo server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"demo server did not answer {url} within {timeout}s")


class DemoServer(str):
    """The server's base URL (a str), plus where its console output (incl. emails) goes."""

    log_path: Path
    env: dict

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def confirmation_link(self, email: str, timeout: float = 10) -> str:
        """The email-confirmation link last sent to ``email`` (printed by the console email
        backend), pointing at this server."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            log = self.log_text()
            position = log.rfind(f"To: {email}")
            if position != -1:
                match = re.search(r"https?://\S+(/accounts/confirm-email/\S+)", log[position:])
                if match:
                    return self + match.group(1)
            time.sleep(0.2)
        raise AssertionError(f"no confirmation email for {email} in the server log")

    def manage(self, *args: str) -> str:
        """Run a management command against the server's database (same env); its stdout."""
        completed = subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *args],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
            timeout=300,
        )
        return completed.stdout


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory):
    """Base URL of a running demo site (migrated, demo content loaded)."""
    _require_chromium()
    workdir = tmp_path_factory.mktemp("demo-server")
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="lms.settings.dev",
        DATABASE_URL=f"sqlite:///{workdir / 'demo.sqlite3'}",
        MEDIA_ROOT=str(workdir / "media"),
        LINEAGE_PRIVATE_ROOT=str(workdir / "private"),
        PYTHONUNBUFFERED="1",
    )
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (["migrate", "--noinput", "-v0"], ["load_demo"]):
        subprocess.run(
            manage + command, cwd=ROOT, env=env, check=True, capture_output=True, timeout=300
        )
    port = _free_port()
    log = open(workdir / "server.log", "w")
    process = subprocess.Popen(
        manage + ["runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = DemoServer(f"http://127.0.0.1:{port}")
    base.log_path = workdir / "server.log"
    base.env = env
    try:
        _wait_until_up(f"{base}/healthz", process)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


# Module scope: Playwright's sync API keeps an event loop running in this thread while it is
# open, and libraries that call asyncio.run() (pyHanko) fail inside one. Closing it after
# each browser module keeps the rest of the suite unaffected; a launch costs ~0.5 s.
@pytest.fixture(scope="module")
def browser():
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    # The site must never reach outside this machine: fail loudly if it tries.
    outside = []
    tab.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if not request.url.startswith(("http://127.0.0.1", "data:", "about:"))
            else None
        ),
    )
    yield tab
    context.close()
    assert not outside, f"the page requested outside resources: {outside}"


REFLOW_WIDTH = 320  # CSS px: WCAG 2.2 SC 1.4.10 (Reflow), 1280 px at 400 % zoom

_OVERFLOW_JS = """() => {
    const root = document.documentElement;
    const width = root.clientWidth;
    const describe = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
        + [...el.classList].map((c) => "." + c).join("");
    const wide = [...document.body.querySelectorAll("*")]
        .filter((el) => el.getBoundingClientRect().right > width + 0.5)
        .slice(0, 8).map(describe);
    return {scrollWidth: root.scrollWidth, clientWidth: width, wide};
}"""


def horizontal_overflow(tab) -> dict | None:
    """None if the page needs no sideways scrolling at its current width; else the widths and
    the first elements that stick out (to name the culprit in a failure)."""
    measured = tab.evaluate(_OVERFLOW_JS)
    return measured if measured["scrollWidth"] > measured["clientWidth"] else None


def reflow_violations(tab) -> list:
    """The page, narrowed to 320 CSS px, scrolls sideways: a violation (then restored).

    Only Lineage's own pages (those with its header): Wagtail's admin and Django's DEBUG
    error pages, which some scans also visit, are not ours to lay out.
    """
    if tab.locator("header.site-header").count() == 0:
        return []
    original = tab.viewport_size
    tab.set_viewport_size({"width": REFLOW_WIDTH, "height": original["height"]})
    try:
        overflow = horizontal_overflow(tab)
    finally:
        tab.set_viewport_size(original)
    if overflow is None:
        return []
    return [{"id": "reflow-320px (WCAG 2.2 SC 1.4.10)", "impact": "serious", "nodes": [overflow]}]


def axe_violations(tab) -> list:
    """Run axe-core (bundled, offline) with the WCAG 2.2 AA tag set; return the violations,
    plus a reflow check beside it (axe cannot see sideways scrolling at 320 px)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        tab, options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in results.response["violations"]
    ] + reflow_violations(tab)
