# Two commands take a fresh clone to green: `make run` and `make test`.
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip --disable-pip-version-check -q
STAMP  := $(VENV)/.installed

.PHONY: setup run test pytest lint lock bench dictionary clean

setup: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	python3 -m venv $(VENV)
	$(PIP) install -r requirements.lock
	$(PIP) install --no-deps -e .
	touch $(STAMP)

## run: set up, then run the nightly flow on the bundled sample sources (offline)
run: setup
	$(VENV)/bin/pipeline run

## test: set up, lint and type-check, then run the whole test suite
test: setup lint pytest

pytest: setup
	$(PY) -m pytest -q

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
	rm -rf .pytest_cache .mypy_cache .ruff_cache
