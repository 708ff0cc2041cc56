"""The directives: ``paper`` (an entry) and the cross-page placeholders."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .index import PaperIndexDirective, PaperOverviewDirective, PaperRecentDirective
from .paper import PaperDirective, YearSections

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def setup_directives(app: Sphinx) -> None:
    app.add_directive("paper", PaperDirective)
    app.add_directive("paper-index", PaperIndexDirective)
    app.add_directive("paper-overview", PaperOverviewDirective)
    app.add_directive("paper-recent", PaperRecentDirective)
    app.add_transform(YearSections)
