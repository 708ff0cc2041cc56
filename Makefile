# Papershelf: build the site, run the tests.
#
#   make html       build the site into _build/html (creates .venv when needed)
#   make test       run the test suite
#   make help       every target
#
# The virtualenv is made from the pinned requirements the first time and again
# whenever a requirements file or pyproject.toml changes.

PYTHON      ?= python3
VENV        ?= .venv
BIN         := $(VENV)/bin
SPHINXOPTS  ?=
SPHINXBUILD := $(BIN)/sphinx-build
SOURCEDIR   := .
BUILDDIR    := _build
PYTEST_ARGS ?=
BENCH_ARGS  ?=
PIP         := $(BIN)/python -m pip --disable-pip-version-check --quiet

DOCS_STAMP := $(VENV)/.papershelf-docs
TEST_STAMP := $(VENV)/.papershelf-test
DEV_STAMP  := $(VENV)/.papershelf-dev
# The linkcheck tests also run on the oldest Sphinx that pyproject.toml accepts.
OLDEST       := $(VENV)/oldest-sphinx
OLDEST_STAMP := $(OLDEST)/.papershelf-test
LINKCHECK_TESTS := tests/test_linkcheck.py tests/test_linkcheck_faults.py

.DEFAULT_GOAL := help

# The site's content was imported from these reading lists (see README).
SEEDS       := tests/data/seeds
SEED_NOTES  := $(SEEDS)/000_5318163b812544db.txt
SEED_LIST   := $(SEEDS)/002_693c5a4983cc91e3.txt

.PHONY: help test bench livehtml clean distclean venv import import-seeds linkcheck-clean add refresh test-linkcheck-oldest

# Files make must never try to build with the catch-all rule below.
Makefile requirements.txt requirements-test.txt requirements-dev.txt requirements-bench.txt requirements-oldest.txt pyproject.toml: ;

help: $(DOCS_STAMP)
	@echo "Papershelf targets:"
	@echo "  html        build the site into $(BUILDDIR)/html"
	@echo "  test        run the test suite (pytest)"
	@echo "  bench       build cost at 1,000, 2,000 and 10,000 papers against a hand-written baseline"
	@echo "              and sphinx-needs (BENCH_ARGS=--quick: 1,000 papers only;"
	@echo "              BENCH_ARGS=\"--profile 2000\": one build under cProfile, by package)"
	@echo "  linkcheck   check every external link (report: $(BUILDDIR)/linkcheck/papers-report.txt)"
	@echo "  linkcheck-clean  forget the links found working, so the next linkcheck checks all"
	@echo "  test-linkcheck-oldest  the linkcheck tests on the oldest Sphinx pyproject.toml accepts"
	@echo "  livehtml    serve the site and rebuild it on every save"
	@echo "  import      SOURCE=list.md OUT=papers/name [TITLE=...] [FORCE=1] [SPLIT=keywords|groups]:"
	@echo "              turn a Markdown reading list or a .bib file into topic pages"
	@echo "  import-seeds  import the two seed lists into papers/ again"
	@echo "  add         ID=2310.15213 TO=papers/topic.md [SECTION=...] [TAGS=...] [STATUS=...]:"
	@echo "              add papers from their arXiv id, DOI or OpenReview link"
	@echo "  refresh     [PAGES=...] [WRITE=1]: fill missing data, find published preprints"
	@echo "  clean       remove $(BUILDDIR)"
	@echo "  distclean   remove $(BUILDDIR) and $(VENV)"
	@echo
	@$(SPHINXBUILD) -M help "$(SOURCEDIR)" "$(BUILDDIR)" $(SPHINXOPTS) $(O)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(DOCS_STAMP): requirements.txt pyproject.toml | $(BIN)/python
	$(PIP) install -r requirements.txt
	$(PIP) install --no-deps -e .
	@touch $@

$(TEST_STAMP): requirements-test.txt $(DOCS_STAMP)
	$(PIP) install -r requirements-test.txt
	@touch $@

$(DEV_STAMP): requirements-dev.txt $(TEST_STAMP)
	$(PIP) install -r requirements-dev.txt
	@touch $@

$(OLDEST)/bin/python:
	$(PYTHON) -m venv $(OLDEST)

# the test requirements, then the oldest Sphinx (and what it needs) over them
$(OLDEST_STAMP): requirements-oldest.txt requirements-test.txt requirements.txt pyproject.toml | $(OLDEST)/bin/python
	$(OLDEST)/bin/python -m pip --disable-pip-version-check --quiet install -r requirements-test.txt
	$(OLDEST)/bin/python -m pip --disable-pip-version-check --quiet install -r requirements-oldest.txt
	$(OLDEST)/bin/python -m pip --disable-pip-version-check --quiet install --no-deps -e .
	@touch $@

venv: $(DEV_STAMP)

test: $(TEST_STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The benchmark's own virtualenv: the site's pins plus sphinx-needs (the peer)
# and sphinx-autobuild; .venv never gets sphinx-needs (see requirements-bench.txt).
BENCH_VENV  := bench/.venv
BENCH_STAMP := $(BENCH_VENV)/.papershelf-bench

$(BENCH_VENV)/bin/python:
	$(PYTHON) -m venv $(BENCH_VENV)

$(BENCH_STAMP): requirements-bench.txt requirements-dev.txt requirements-test.txt requirements.txt pyproject.toml \
		| $(BENCH_VENV)/bin/python
	$(BENCH_VENV)/bin/python -m pip --disable-pip-version-check --quiet install -r requirements-bench.txt
	$(BENCH_VENV)/bin/python -m pip --disable-pip-version-check --quiet install --no-deps -e .
	@touch $@

bench: $(BENCH_STAMP)
	$(BENCH_VENV)/bin/python bench/bench.py --json "$(BUILDDIR)/bench/report.json" $(BENCH_ARGS)

livehtml: $(DEV_STAMP)
	$(BIN)/sphinx-autobuild "$(SOURCEDIR)" "$(BUILDDIR)/html" $(SPHINXOPTS) $(O) \
		--watch _ext --ignore "$(VENV)/*" --ignore "$(BENCH_VENV)/*" --ignore "tests/*"

import: $(DOCS_STAMP)
	@test -n "$(SOURCE)" -a -n "$(OUT)" || { echo "usage: make import SOURCE=list.md|refs.bib OUT=papers/name [TITLE=...] [FORCE=1] [SPLIT=keywords|groups]"; exit 2; }
	$(BIN)/python -m papershelf import "$(SOURCE)" --out "$(OUT)" $(if $(TITLE),--title "$(TITLE)") \
		$(if $(FORCE),--force) $(if $(SPLIT),--split-by "$(SPLIT)") --report "$(BUILDDIR)/import/$(notdir $(OUT)).json"

import-seeds: $(DOCS_STAMP)
	$(MAKE) --no-print-directory import SOURCE=$(SEED_NOTES) OUT=papers/llm-vlm TITLE="LLM and VLM notes" FORCE=1
	$(MAKE) --no-print-directory import SOURCE=$(SEED_LIST) OUT=papers/reading-list TITLE="Reading list" FORCE=1

add: $(DOCS_STAMP)
	@test -n "$(ID)" -a -n "$(TO)" || { echo "usage: make add ID=2310.15213 TO=papers/topic.md [SECTION=...] [TAGS=...] [STATUS=...]"; exit 2; }
	$(BIN)/python -m papershelf add $(ID) --to "$(TO)" $(if $(SECTION),--section "$(SECTION)") \
		$(if $(TAGS),--tags "$(TAGS)") $(if $(STATUS),--status "$(STATUS)")

refresh: $(DOCS_STAMP)
	$(BIN)/python -m papershelf refresh $(PAGES) $(if $(WRITE),--write) \
		--report "$(BUILDDIR)/refresh/report.json"

linkcheck-clean:
	rm -f "$(BUILDDIR)/linkcheck/papershelf-cache.json" "$(BUILDDIR)"/linkcheck/.papershelf-cache.json.*.tmp

test-linkcheck-oldest: $(OLDEST_STAMP)
	$(OLDEST)/bin/python -m pytest -p no:cacheprovider $(LINKCHECK_TESTS) $(PYTEST_ARGS)

clean:
	rm -rf "$(BUILDDIR)"

distclean: clean
	rm -rf "$(VENV)" "$(BENCH_VENV)"

# Every other target (html, linkcheck, dirhtml, text, ...) goes to sphinx-build.
# The extension is byte-compiled first (only what changed), as pip does for
# an installed package: with PYTHONDONTWRITEBYTECODE set, an editable install
# would otherwise be compiled again by every build.
%: $(DOCS_STAMP)
	@$(BIN)/python -m compileall -q _ext > /dev/null
	@$(SPHINXBUILD) -M $@ "$(SOURCEDIR)" "$(BUILDDIR)" $(SPHINXOPTS) $(O)
