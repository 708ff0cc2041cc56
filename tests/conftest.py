"""Shared fixtures: Sphinx's own testing fixtures, with our test roots."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest_plugins = ("sphinx.testing.fixtures",)

TESTS = Path(__file__).parent
ROOTS = TESTS / "roots"
SEEDS = TESTS / "data" / "seeds"


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return ROOTS


def warnings_of(app) -> list[str]:
    """The warning lines of a build, without colour codes."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", app.warning.getvalue())
    return [line for line in text.splitlines() if "WARNING" in line or "ERROR" in line]


def read_html(app, docname: str = "index") -> str:
    return (Path(app.outdir) / f"{docname}.html").read_text(encoding="utf-8")
