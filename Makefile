# Two commands for a new user: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test test-fast bench screenshots clean check-doccano

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

# Opens readtui on your workspace; on first run (empty workspace) on the bundled seeds.
run: install
	$(VENV)/bin/readtui $(ARGS)

test: install
	TEXTUAL_ANIMATIONS=none $(PY) -m pytest -q $(PYTEST_ARGS)

test-fast: install
	TEXTUAL_ANIMATIONS=none $(PY) -m pytest -q -m "not slow" $(PYTEST_ARGS)

bench: install
	$(PY) bench/store.py
	$(PY) bench/keys.py
	$(PY) bench/export.py
	$(PY) bench/quotes.py ../shared/eval/polnear_dev.jsonl

# doccano 1.8.4 judges the doccano export of the seeds (needs ../shared/doccano set up:
# bash ../shared/doccano/setup_venv.sh). Also run by `make test` when that venv exists.
DOCCANO_VENV ?= /tmp/doccano/venv
check-doccano: install
	DOCCANO_VENV=$(DOCCANO_VENV) TEXTUAL_ANIMATIONS=none $(PY) -m pytest -q -k doccano_184 tests/unit/test_export.py

screenshots: install
	$(PY) screenshots/make_screenshots.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
