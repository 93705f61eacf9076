"""Unhandled errors reach Sentry when SENTRY_DSN is set, without personal data; not otherwise.

Production settings run in a subprocess (Sentry patches Django process-wide) against a tiny
HTTP server on 127.0.0.1 standing in for Sentry: it keeps every envelope it is sent.
"""

import gzip
import http.server
import json
import os
import subprocess
import sys
import threading

import pytest

from tests.test_settings import PRODUCTION_ENV, REQUIRED, ROOT

# A view that fails, served under production settings through Django's test client.
SCRIPT = """
import sys, types
import django
django.setup()
from django.test import Client, override_settings
from django.urls import path
import sentry_sdk

def fails(request):
    raise RuntimeError("lesson rendering failed")

urls = types.ModuleType("failing_urls")
urls.urlpatterns = [path("fails/", fails)]
sys.modules["failing_urls"] = urls
client = Client(raise_request_exception=False)
client.cookies["theme"] = "cookie-that-must-not-be-sent"
with override_settings(ROOT_URLCONF="failing_urls", ALLOWED_HOSTS=["testserver"]):
    response = client.post("/fails/", {"answer": "a-learner-quiz-answer"}, secure=True)
print("status", response.status_code, "active", sentry_sdk.get_client().is_active())
sentry_sdk.flush(timeout=5)
"""


class FakeSentry(http.server.BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self):  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        FakeSentry.received.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_sentry():
    FakeSentry.received = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeSentry)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def run_failing_view(**extra_env) -> str:
    env = {k: v for k, v in os.environ.items() if k not in REQUIRED and k != "SENTRY_DSN"}
    env.update(PRODUCTION_ENV, DJANGO_SETTINGS_MODULE="lms.settings.production", **extra_env)
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def events(received: list[bytes]) -> list[dict]:
    """The event items of the envelopes (a header line, then item header/payload pairs)."""
    found = []
    for envelope in received:
        lines = envelope.split(b"\n")
        for header, payload in zip(lines[1::2], lines[2::2], strict=False):
            if json.loads(header).get("type") == "event":
                found.append(json.loads(payload))
    return found


def test_a_failing_view_is_reported_without_personal_data(fake_sentry):
    port = fake_sentry.server_address[1]
    stdout = run_failing_view(
        SENTRY_DSN=f"http://publickey@127.0.0.1:{port}/1", SENTRY_RELEASE="lineage@test"
    )
    assert "status 500 active True" in stdout
    reported = events(FakeSentry.received)
    assert len(reported) == 1
    event = reported[0]
    exception = event["exception"]["values"][-1]
    assert exception["type"] == "RuntimeError"
    assert exception["value"] == "lesson rendering failed"
    assert event["release"] == "lineage@test"
    assert {"django", "celery"} <= set(event["sdk"]["integrations"])  # tasks are reported too
    raw = json.dumps(event)
    assert "cookie-that-must-not-be-sent" not in raw
    assert "a-learner-quiz-answer" not in raw
    assert "ip_address" not in json.dumps(event.get("user", {}))


def test_sentry_is_off_without_a_dsn(fake_sentry):
    stdout = run_failing_view()
    assert "status 500 active False" in stdout
    assert FakeSentry.received == []
