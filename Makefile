# The two set-up commands are `make book` and `make test`; both create .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt pyproject.toml | cksum | cut -d' ' -f1)
JB_FLAGS := -W -n --keep-going
WORKERS ?= 0

.PHONY: setup system book rebuild test test-fast lint format serve grade release bench freeze clean help

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' Makefile | sed 's/:.*##/\t/'

setup: $(STAMP)  ## create .venv with the pinned toolchain and the medimg package

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || \
	  { echo "make: needs Python 3.11 or newer as $(PYTHON) (set PYTHON=/path/to/python3.11)" >&2; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || \
	  { echo "make: $(PYTHON) cannot create virtual environments: install python3-venv" >&2; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	rm -f $(VENV)/.installed-*
	touch $@

book: setup  ## execute every page and build the HTML book into _build/html
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/jupyter-book build . $(JB_FLAGS)

rebuild: setup  ## build from scratch, ignoring the execution cache
	rm -rf _build
	$(MAKE) book

system:  ## check (as root with apt: install) bubblewrap, chromium, postgresql for the tests
	@sh .ci/system-packages

# The course's files are UTF-8 whatever the machine's locale: tests run in Python's UTF-8 mode.
test: system setup  ## run the whole test suite (builds the book, grades, drives Chromium)
	PYTHONUTF8=1 PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/python -m pytest

test-fast: setup  ## unit tests and doctests only
	PYTHONUTF8=1 PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/python -m pytest -m "not book and not nbgrader and not browser and not slow"

lint: setup  ## ruff, ruff format --check, codespell
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/codespell

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

serve:  ## serve the built book on http://127.0.0.1:8000
	$(BIN)/python -m http.server 8000 --bind 127.0.0.1 --directory _build/html

release: setup  ## regenerate exercises/ from solutions/ with nbgrader
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/python -m medimg_grade.release

grade: setup  ## autograde submitted/<student>/<assignment>/ into grades.csv and feedback/
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/medimg-grade --workers $(WORKERS)

bench: setup  ## run the benchmarks and print their tables
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/python -m benchmarks

freeze:  ## re-pin requirements.txt from the current .venv
	(echo "# Exact versions installed and tested together on Python 3.11 (make setup installs them)."; \
	 echo "# Regenerate with: make freeze"; $(BIN)/pip freeze --exclude-editable | grep -v '^-e'; echo "-e .") > requirements.txt

clean:  ## remove build output (keeps .venv and student data)
	rm -rf _build .pytest_cache
