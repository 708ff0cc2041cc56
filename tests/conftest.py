"""Shared fixtures: Sphinx's own testing fixtures, with our test roots."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

pytest_plugins = ("sphinx.testing.fixtures",)

TESTS = Path(__file__).parent
ROOTS = TESTS / "roots"
SEEDS = TESTS / "data" / "seeds"
PROJECT = TESTS.parent
#: what a build of the project's own site needs
SITE_PARTS = ("conf.py", "index.md", "papers", "indexes", "_static")


def copy_site(destination: Path) -> Path:
    """A copy of the project's own site, to build without touching the clone."""
    destination.mkdir(parents=True)
    for part in SITE_PARTS:
        source = PROJECT / part
        if source.is_dir():
            shutil.copytree(source, destination / part)
        else:
            shutil.copy2(source, destination / part)
    return destination


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return ROOTS


def warnings_of(app) -> list[str]:
    """The warning lines of a build, without colour codes."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", app.warning.getvalue())
    return [line for line in text.splitlines() if "WARNING" in line or "ERROR" in line]


def read_html(app, docname: str = "index") -> str:
    return (Path(app.outdir) / f"{docname}.html").read_text(encoding="utf-8")


@pytest.fixture
def make_apps(make_app):
    """Like ``make_app``, for tests that build more than once: each new
    application first cleans up the global state (registered nodes, roles)
    that the one before left, as a separate ``sphinx-build`` run would."""
    made = []

    def make(*args, **kwargs):
        if made:
            made[-1].cleanup()
        app = make_app(*args, **kwargs)
        made.append(app)
        return app

    return make
