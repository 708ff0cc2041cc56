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
PIP         := $(BIN)/python -m pip --disable-pip-version-check --quiet

DOCS_STAMP := $(VENV)/.papershelf-docs
TEST_STAMP := $(VENV)/.papershelf-test
DEV_STAMP  := $(VENV)/.papershelf-dev

.DEFAULT_GOAL := help

.PHONY: help test livehtml clean distclean venv

# Files make must never try to build with the catch-all rule below.
Makefile requirements.txt requirements-test.txt requirements-dev.txt pyproject.toml: ;

help: $(DOCS_STAMP)
	@echo "Papershelf targets:"
	@echo "  html        build the site into $(BUILDDIR)/html"
	@echo "  test        run the test suite (pytest)"
	@echo "  linkcheck   check every external link"
	@echo "  livehtml    serve the site and rebuild it on every save"
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

venv: $(DEV_STAMP)

test: $(TEST_STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

livehtml: $(DEV_STAMP)
	$(BIN)/sphinx-autobuild "$(SOURCEDIR)" "$(BUILDDIR)/html" $(SPHINXOPTS) $(O) \
		--watch _ext --ignore "$(VENV)/*" --ignore "tests/*"

clean:
	rm -rf "$(BUILDDIR)"

distclean: clean
	rm -rf "$(VENV)"

# Every other target (html, linkcheck, dirhtml, text, ...) goes to sphinx-build.
%: $(DOCS_STAMP)
	@$(SPHINXBUILD) -M $@ "$(SOURCEDIR)" "$(BUILDDIR)" $(SPHINXOPTS) $(O)
