"""The domain never imports the UI: each domain module in a fresh interpreter."""

from __future__ import annotations

import subprocess
import sys

import pytest

DOMAIN = ["tui.model", "tui.store", "tui.ingest", "tui.suggest", "tui.quotes", "tui.export", "tui.export_workers",
          "tui.affixes", "tui.evaluate", "tui.history", "tui.spans", "tui.review",
          "tui.team.agreement", "tui.team.assign", "tui.team.sources", "tui.team.adjudication"]


@pytest.mark.parametrize("module", DOMAIN)
def test_domain_module_imports_no_ui(module):
    code = (f"import sys, {module}; "
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')); "
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"{module} pulls in {out.stdout.strip()}"
