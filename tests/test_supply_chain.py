"""The lock pins everything installed, and the CI audit (.ci/audit) fails on a known vulnerability.

The audit runs pip-audit exactly as CI does, but against a stand-in OSV service on 127.0.0.1
that knows one advisory, so the test needs no internet and can't pass by finding nothing.
"""

import http.server
import json
import os
import subprocess
import threading
from importlib import metadata
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
NOT_LOCKED = {"lineage", "pip", "setuptools", "wheel"}  # the project itself and pip's tooling


def locked() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements" / "lock.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pins[canonicalize_name(name)] = version
    return pins


def test_the_lock_pins_every_installed_package_at_its_installed_version():
    pins = locked()
    unpinned = {}
    for dist in metadata.distributions():
        name = canonicalize_name(dist.metadata["Name"])
        if name not in NOT_LOCKED and pins.get(name) != dist.version:
            unpinned[name] = (dist.version, pins.get(name))
    assert unpinned == {}, "installed version, locked version"


class FakeOSV(http.server.BaseHTTPRequestHandler):
    vulnerable: dict[str, str] = {}

    def do_POST(self):  # noqa: N802 - http.server's naming
        query = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        name, version = query["package"]["name"], query["version"]
        body = {}
        if FakeOSV.vulnerable.get(name) == version:
            body = {
                "vulns": [
                    {
                        "id": "GHSA-lin-eage-test",
                        "summary": "A stand-in advisory for the audit test",
                        "affected": [
                            {
                                "package": {"name": name, "ecosystem": "PyPI"},
                                "ranges": [
                                    {
                                        "type": "ECOSYSTEM",
                                        "events": [{"introduced": "0"}, {"fixed": "99.0"}],
                                    }
                                ],
                            }
                        ],
                    }
                ]
            }
        payload = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def osv():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeOSV)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1/query"
    server.shutdown()
    server.server_close()


def run_audit(tmp_path, osv_url, **extra) -> subprocess.CompletedProcess:
    """.ci/audit over three real pins from the lock (the whole lock takes longer, same path)."""
    pins = locked()
    requirements = tmp_path / "lock.txt"
    requirements.write_text("".join(f"{n}=={pins[n]}\n" for n in ("django", "celery", "wagtail")))
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUDIT_")}
    env.update(
        AUDIT_SERVICE="osv",
        AUDIT_OSV_URL=osv_url,
        AUDIT_REQUIREMENTS=str(requirements),
        **extra,
    )
    return subprocess.run(
        ["bash", str(ROOT / ".ci" / "audit")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_audit_fails_on_a_known_vulnerability(tmp_path, osv):
    FakeOSV.vulnerable = {"django": locked()["django"]}
    result = run_audit(tmp_path, osv)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "GHSA-lin-eage-test" in result.stdout
    assert "django" in result.stdout


def test_the_audit_passes_when_no_pin_is_known_to_be_vulnerable(tmp_path, osv):
    FakeOSV.vulnerable = {"django": "1.0"}
    result = run_audit(tmp_path, osv)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No known vulnerabilities found" in result.stdout + result.stderr


def test_an_unreachable_service_is_said_aloud_and_fails_when_required(tmp_path):
    closed = "http://127.0.0.1:9/v1/query"  # the discard port: nothing listens there
    relaxed = run_audit(tmp_path, closed)
    assert relaxed.returncode == 0
    assert "NOT RUN" in relaxed.stderr
    required = run_audit(tmp_path, closed, AUDIT_REQUIRED="1")
    assert required.returncode == 1
    assert "NOT RUN" in required.stderr
