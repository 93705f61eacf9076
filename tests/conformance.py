"""Locate the third-party conformance material (Open Badges 3.0, Moodle GIFT).

The files are not copied into the project: CI exports ``CONFORMANCE_DIR`` as the
absolute path of ``../shared/conformance``. Unset means skip locally, but fail
under ``CI=true`` so a misconfigured CI can never pass by skipping.
"""

import os
from pathlib import Path

import pytest


def conformance_path(*parts: str) -> Path:
    """Return a path under ``$CONFORMANCE_DIR``, or skip/fail the calling test."""
    root = os.environ.get("CONFORMANCE_DIR")
    if not root:
        if os.environ.get("CI") == "true":
            pytest.fail("CONFORMANCE_DIR is not set under CI=true")
        pytest.skip("CONFORMANCE_DIR is not set")
    path = Path(root, *parts)
    if not path.exists():
        pytest.fail(f"conformance material missing: {path}")
    return path
