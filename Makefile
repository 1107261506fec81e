# Two commands take a fresh clone to green: `make run` and `make test`.
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip --disable-pip-version-check -q
STAMP  := $(VENV)/.installed

.PHONY: setup run test pytest lint lock bench dictionary browser clean

setup: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	python3 -m venv $(VENV)
	$(PIP) install -r requirements.lock
	$(PIP) install --no-deps -e .
	touch $(STAMP)

## run: set up, run the nightly flow on the bundled sample sources (offline), write its report, and a
## demo report over synthetic nights (demo/report/index.html)
run: setup
	$(VENV)/bin/pipeline run
	$(VENV)/bin/pipeline report
	$(VENV)/bin/pipeline demo

## test: set up, lint and type-check, then run the whole test suite
test: setup lint browser pytest

pytest: setup
	$(PY) -m pytest -q

## browser: Debian's chromium for the report's browser test, installed when missing and we are root
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian's chromium for the browser test"; \
	    (DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null 2>&1 || \
	     (apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null)) || \
	    echo "note: could not install chromium; the browser test will skip (it fails when CI=true)"; \
	  else echo "note: chromium is missing and cannot be installed here (needs root and apt-get); the browser test will skip"; fi; }

lint: setup
	$(VENV)/bin/ruff check pipeline flows tests bench
	$(VENV)/bin/mypy pipeline flows tests bench

## lock: re-resolve requirements.in into requirements.lock (needs the package index)
lock:
	python3 -m pip install -q uv
	python3 -m uv pip compile requirements.in -o requirements.lock --python-version 3.11

bench: setup
	$(PY) bench/extract_throughput.py

dictionary: setup
	$(PY) -m pipeline dictionary --output docs/DATA_DICTIONARY.md

clean:
	find raw curated -mindepth 1 ! -name README.md -exec rm -rf {} +
	rm -rf report exports demo .artifacts
	rm -rf .pytest_cache .mypy_cache .ruff_cache
