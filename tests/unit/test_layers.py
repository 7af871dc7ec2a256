"""The domain never imports the UI: checked in a fresh interpreter (as harlequin does)."""

from __future__ import annotations

import subprocess
import sys

import pytest

DOMAIN = ["tui.model", "tui.store", "tui.ingest", "tui.export", "tui.evaluate"]


@pytest.mark.parametrize("module", DOMAIN)
def test_domain_module_imports_neither_textual_nor_rich(module):
    code = (f"import sys, {module}; "
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')); "
            "print(','.join(bad))")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert res.stdout.strip() == ""
