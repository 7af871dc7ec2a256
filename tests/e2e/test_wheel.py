"""The built wheel in a clean venv (no -e, no test extras), as a user installs readtui:
versions from the lock, then --version, import and export on the seeds."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def sh(*args, **kw) -> subprocess.CompletedProcess:
    r = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=900, **kw)
    assert r.returncode == 0, f"{args}: {r.stdout[-2000:]} {r.stderr[-2000:]}"
    return r


def test_the_wheel_installs_and_runs_on_its_own(tmp_path):
    dist = tmp_path / "dist"
    sh(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", dist, ROOT)
    wheel = next(dist.glob("readtui-*.whl"))
    # The lock's versions as constraints (no hashes): the runtime dependencies only.
    pins = [line.split(" ")[0] for line in (ROOT / "requirements.lock").read_text().splitlines()
            if "==" in line and not line.startswith((" ", "#"))]
    (tmp_path / "constraints.txt").write_text("\n".join(pins) + "\n")
    venv = tmp_path / "venv"
    sh(sys.executable, "-m", "venv", venv)
    py, readtui = venv / "bin" / "python", venv / "bin" / "readtui"
    sh(py, "-m", "pip", "install", "-q", "-c", tmp_path / "constraints.txt", wheel, cwd=tmp_path)
    installed = sh(py, "-m", "pip", "list", "--format=json", cwd=tmp_path).stdout
    names = {p["name"].lower() for p in json.loads(installed)}
    assert "readtui" in names and "pytest" not in names and "hypothesis" not in names

    assert sh(readtui, "--version", cwd=tmp_path).stdout.startswith("readtui ")
    # The seeds ship inside the package (the reader opens on them on first run).
    seeds = sh(py, "-c", "from tui.cli.commands import seed_paths; print(*seed_paths(), sep='\\n')",
               cwd=tmp_path).stdout.split()
    assert len(seeds) == 2 and all("site-packages" in s for s in seeds)
    db, out = tmp_path / "ws" / "workspace.json", tmp_path / "gold.jsonl"
    r = sh(readtui, "import", *seeds, "--db", db, cwd=tmp_path)  # with the model it depends on
    assert "imported 2" in r.stderr
    sh(readtui, "export", "--all", "--suggestions", "--db", db, "-o", out, cwd=tmp_path)
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(records) == 2 and all(r["spans"] for r in records)
