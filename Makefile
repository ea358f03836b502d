# ecomkit: two commands on a fresh machine (see README.md)
#   make lab   set up .venv, install, open JupyterLab on the kit and the demo shop
#   make test  set up .venv, install, run every test
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# JupyterLab refuses to run as root without --allow-root (containers, CI boxes)
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
LAB_ARGS ?=

.PHONY: install lab test lint demo report clean
DATA ?= demo
ENGINE ?= pandas

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev,spark]"
	touch $(STAMP)

install: $(STAMP)

lab: $(STAMP)
	$(VENV)/bin/jupyter lab $(ROOT_FLAG) --notebook-dir=. $(LAB_ARGS) notebooks/00_start_here.ipynb

test: $(STAMP)
	$(PY) -m pip list --format=freeze | grep -i -E '^(pandas|numpy|scipy|seaborn|matplotlib|pyarrow|papermill|nbval|jupyterlab|duckdb)=' || true
	$(PY) -m pytest -q
	# every notebook cell by cell (a failing cell is reported as itself)
	$(PY) -m pytest -q --nbval-lax --nbval-current-env --nbval-cell-timeout=120 notebooks

lint: $(STAMP)
	$(VENV)/bin/ruff check ecomkit tests benchmarks notebooks

# run every notebook on a shop folder (DATA=path, default the demo; ENGINE=duckdb for a
# shop whose events do not fit in memory) -> reports/index.html
report: $(STAMP)
	$(VENV)/bin/ecomkit report --data-dir $(DATA) --engine $(ENGINE) --out reports

# regenerate the demo shop and its data dictionary (after a generator change)
demo: $(STAMP)
	$(VENV)/bin/ecomkit make-data --customers 2000 --seed 0 --start 2024-01-01 --end 2024-12-31 --out datasets/demo --overwrite
	$(VENV)/bin/ecomkit dictionary --out datasets/README.md

clean:
	rm -rf $(VENV) build reports
