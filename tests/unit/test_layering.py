"""The architecture holds: the import-linter contracts in pyproject.toml (layers, the
domain free of textual and rich, the screens away from the store, no cycles), and each
domain module imported alone in a fresh interpreter pulls in no UI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = ["tui.model", "tui.store", "tui.formats", "tui.nlp.suggest", "tui.quotes", "tui.formats.workers",
          "tui.nlp.affixes", "tui.nlp.evaluate", "tui.history", "tui.spans", "tui.speakers", "tui.change", "tui.service",
          "tui.cluster.corpus", "tui.cluster.resume", "tui.cluster.run", "tui.cluster.sample",
          "tui.team.agreement", "tui.team.assign", "tui.team.sources", "tui.team.adjudication"]


def test_import_linter_contracts_are_kept():
    lint = Path(sys.executable).parent / "lint-imports"
    r = subprocess.run([str(lint), "--no-cache"], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-2000:]
    assert "BROKEN" not in r.stdout and "KEPT" in r.stdout


@pytest.mark.parametrize("module", DOMAIN)
def test_domain_module_imports_no_ui(module):
    code = (f"import sys, {module}; "
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')); "
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"{module} pulls in {out.stdout.strip()}"
