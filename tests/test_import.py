"""``import cdop`` stays light: no matplotlib, no scipy.stats."""

from __future__ import annotations

import subprocess
import sys


def test_import_does_not_load_heavy_modules() -> None:
    code = (
        "import sys, cdop; "
        "heavy = [m for m in ('matplotlib', 'scipy.stats', 'docx', 'openpyxl') "
        "if m in sys.modules]; print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_public_api_is_explicit() -> None:
    import cdop

    for name in cdop.__all__:
        assert getattr(cdop, name) is not None
