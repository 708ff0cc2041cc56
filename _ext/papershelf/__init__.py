"""Papershelf: reading notes on research papers as a Sphinx site.

Add ``"papershelf"`` to ``extensions`` in ``conf.py``; then write entries with
the ``paper`` directive and link to them with ``{paper:ref}`key```.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

__version__ = "0.1.0"

STATIC_DIR = Path(__file__).parent / "static"

#: Raised whenever what the extension keeps in the saved environment or in
#: the saved doctrees changes shape (the fields of ``Entry``, the domain's
#: data, the node classes): Sphinx then reads every page again instead of
#: loading records it cannot use.
ENV_VERSION = 8


def _add_static_files(app: Sphinx) -> None:
    if app.builder.format == "html":
        app.config.html_static_path.append(str(STATIC_DIR))
        app.add_css_file("papershelf.css")
        app.add_js_file("papershelf.js", loading_method="defer")


def setup(app: Sphinx) -> dict[str, Any]:
    """Every part registers its own nodes, directives and settings; every
    event handler of the extension is wired here."""
    from .assets import setup_assets
    from .collector import setup_collector
    from .config import setup_config
    from .directives import setup_directives
    from .domain import (PaperDomain, PaperRefRole, before_read, builder_inited, env_updated, note_removed,
                         release_derived, remove_stale_output, warn_missing_reference)
    from .exports import write_exports
    from .feeds import setup_feeds
    from .html import setup_html
    from .linkcheck import setup_linkcheck
    from .papersearch import setup_papersearch
    from .render import setup_render

    setup_config(app)
    app.add_domain(PaperDomain)
    app.add_role("paper", PaperRefRole(innernodeclass=PaperDomain.roles["ref"].innernodeclass,
                                       warn_dangling=True))
    setup_directives(app)
    setup_html(app)
    setup_render(app)
    setup_linkcheck(app)
    setup_assets(app)
    setup_feeds(app)
    setup_papersearch(app)
    setup_collector(app)

    app.connect("builder-inited", _add_static_files)
    app.connect("builder-inited", builder_inited)
    app.connect("env-before-read-docs", before_read)
    app.connect("env-get-outdated", note_removed)
    app.connect("env-updated", env_updated)
    app.connect("warn-missing-reference", warn_missing_reference)
    app.connect("build-finished", write_exports)
    app.connect("build-finished", remove_stale_output)
    app.connect("build-finished", release_derived, priority=850)

    return {
        "version": __version__,
        "env_version": ENV_VERSION,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
