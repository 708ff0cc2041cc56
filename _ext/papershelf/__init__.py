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
#: the saved doctrees changes shape (the fields of ``Paper``, the domain's
#: data, the node classes): Sphinx then reads every page again instead of
#: loading records it cannot use.
ENV_VERSION = 5


def _check_config(app: Sphinx, config: Config) -> None:
    from .diagnostics import conf_location, warn
    from .venues import normalise_alias_table

    _, problems = normalise_alias_table(config.papershelf_venue_aliases)
    for problem in problems:
        warn(problem, "config", conf_location(app.confdir, "papershelf_venue_aliases"))


def _add_static_files(app: Sphinx) -> None:
    if app.builder.format == "html":
        app.config.html_static_path.append(str(STATIC_DIR))
        app.add_css_file("papershelf.css")
        app.add_js_file("papershelf.js", loading_method="defer")


def setup(app: Sphinx) -> dict[str, Any]:
    from .assets import setup_assets
    from .feeds import setup_feeds
    from .papersearch import setup_papersearch
    from .directives import PaperDirective
    from .domain import PaperDomain, PaperRefRole, before_read, env_updated, warn_missing_reference
    from .html import setup_html
    from .indexes import setup_indexes
    from .linkcheck import setup_linkcheck

    app.add_config_value("papershelf_venue_aliases", {}, "env", types=frozenset({dict}),
                         description="Extra venue aliases: alias -> name or (name, kind).")
    app.add_config_value("papershelf_notes_label", "Notes", "html", types=frozenset({str}),
                         description="The label of the collapsed notes of a paper.")

    app.add_domain(PaperDomain)
    app.add_directive("paper", PaperDirective)
    app.add_role("paper", PaperRefRole(innernodeclass=PaperDomain.roles["ref"].innernodeclass,
                                       warn_dangling=True))
    setup_html(app)
    setup_indexes(app)
    setup_linkcheck(app)
    setup_assets(app)
    setup_feeds(app)
    setup_papersearch(app)

    app.connect("config-inited", _check_config)
    app.connect("builder-inited", _add_static_files)
    app.connect("env-before-read-docs", before_read)
    app.connect("env-updated", env_updated)
    app.connect("warn-missing-reference", warn_missing_reference)

    return {
        "version": __version__,
        "env_version": ENV_VERSION,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
