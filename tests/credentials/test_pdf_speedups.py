"""ReportLab runs with its C accelerator (``rl-accel``), not the pure-Python fallbacks.

ReportLab silently falls back to Python when ``rl_accel`` is missing; certificates still
render, only slower, so nothing else would notice a machine installed without it.
"""

import inspect

from reportlab.lib import rl_accel


def test_reportlab_uses_its_c_accelerator():
    for name in ("fp_str", "calcChecksum", "escapePDF", "instanceStringWidthTTF"):
        assert inspect.isbuiltin(getattr(rl_accel, name)), name
