# Two commands for a new user: `make run` and `make test`.
# Both install exactly what requirements.lock says (versions and hashes), so every machine
# runs the program the suite passed on. `make lock` regenerates the lock from pyproject's
# ranges; `make test-latest` runs the suite on the newest versions those ranges allow.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
LOCK := requirements.lock
SHARED ?= ../shared

.PHONY: install run test test-fast test-latest lock lock-upgrade bench screenshots clean check-doccano doccano-venv

install: $(STAMP)

$(STAMP): pyproject.toml $(LOCK)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --require-hashes --no-deps -r $(LOCK)
	$(PY) -m pip install -q --no-deps --no-build-isolation -e .
	touch $(STAMP)

# Opens readtui on your workspace; on first run (empty workspace) on the bundled seeds.
# The workspace is $$READTUI_DB, else ~/.local/share/readtui/workspace.json;
# `make run ARGS="--db /path/ws.json"` points elsewhere.
run: install
	@$(PY) -c "from tui.store import default_path; import os; print('readtui workspace:', os.environ.get('READTUI_DB') or default_path())"
	$(VENV)/bin/readtui $(ARGS)

test: install doccano-venv
	DOCCANO_VENV=$(DOCCANO_VENV) DOCCANO_CHECK=$(abspath $(SHARED))/doccano/check_doccano_import.py \
	  TEXTUAL_ANIMATIONS=none $(PY) -m pytest -q $(PYTEST_ARGS)

test-fast: install
	TEXTUAL_ANIMATIONS=none $(PY) -m pytest -q -m "not slow" $(PYTEST_ARGS)

# The lock, from pyproject.toml's ranges (every extra) and lock-tools.in. `make lock` keeps
# the pins already in the lock and adds what is new; `make lock-upgrade` moves every pin
# to the newest version the ranges allow.
UV_COMPILE = $(VENV)/bin/uv pip compile pyproject.toml lock-tools.in --all-extras --generate-hashes \
	  --python-version 3.11 --python-platform x86_64-manylinux_2_28 -o $(LOCK)
lock: install
	$(UV_COMPILE)

lock-upgrade: install
	$(UV_COMPILE) --upgrade

# The newest versions pyproject's ranges allow, in a venv of their own: drift shows here
# before users meet it. Not part of CI.
test-latest:
	rm -rf .venv-latest
	$(PYTHON) -m venv .venv-latest
	.venv-latest/bin/python -m pip install -q --upgrade pip
	.venv-latest/bin/python -m pip install -q --upgrade --upgrade-strategy eager -e '.[test,cluster]'
	TEXTUAL_ANIMATIONS=none .venv-latest/bin/python -m pytest -q $(PYTEST_ARGS)

define need_shared
	@test -d $(SHARED)/$(1) || { echo "make $@: needs $(SHARED)/$(1) (the team's shared folder beside this clone; set SHARED=DIR to point elsewhere)"; exit 2; }
endef

bench: install
	$(call need_shared,eval)
	$(PY) bench/store.py
	$(PY) bench/keys.py
	$(PY) bench/export.py
	$(PY) bench/agree.py
	$(PY) bench/quotes.py $(SHARED)/eval/polnear_dev.jsonl

# doccano 1.8.4's own import judges the doccano export (tests/unit/test_export.py). Its
# venv is built once per machine (~40 s) when the team's shared folder holds the checker,
# so that `make test` runs it on a fresh machine too; without the folder, or when the
# build fails, those two tests are skipped and say why.
DOCCANO_VENV ?= /tmp/doccano/venv
doccano-venv:
	@if test -d $(SHARED)/doccano && ! test -x $(DOCCANO_VENV)/bin/python; then \
	  echo "building doccano 1.8.4's venv at $(DOCCANO_VENV) (once per machine)"; \
	  DOCCANO_VENV=$(DOCCANO_VENV) bash $(SHARED)/doccano/setup_venv.sh \
	    || { echo "doccano's venv did not build: its tests will be skipped"; rm -rf $(DOCCANO_VENV); }; \
	fi

check-doccano: install doccano-venv
	$(call need_shared,doccano)
	@test -x $(DOCCANO_VENV)/bin/python || { echo "make check-doccano: needs doccano's venv at $(DOCCANO_VENV): run bash $(SHARED)/doccano/setup_venv.sh"; exit 2; }
	DOCCANO_VENV=$(DOCCANO_VENV) DOCCANO_CHECK=$(abspath $(SHARED))/doccano/check_doccano_import.py \
	  TEXTUAL_ANIMATIONS=none $(PY) -m pytest -q -k doccano_184 tests/unit/test_export.py

screenshots: install
	$(PY) screenshots/make_screenshots.py

clean:
	rm -rf $(VENV) .venv-latest build *.egg-info .pytest_cache
