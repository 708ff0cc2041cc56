"""Every ``papershelf_*`` setting a site can put in ``conf.py``, declared once
and checked once, when the configuration is read.

A value of the wrong type or shape gets a ``papershelf.config`` warning that
names the line of ``conf.py`` and is replaced by the default, so a typo never
stops a build.  :func:`settings` gives the checked values as one frozen object.
(The link checker's own settings are declared with it, in
:mod:`papershelf.linkcheck`.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .catalog import author_key
from .diagnostics import conf_location, warn
from .sanitize import with_safe_mathjax
from .venues import normalise_alias_table

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    rebuild: str
    types: tuple[type, ...]
    description: str


SETTINGS = (
    Setting("papershelf_venue_aliases", {}, "env", (dict,),
            "Extra venue aliases: alias -> name, (name, kind) or {'name': ..., 'kind': ...}."),
    Setting("papershelf_notes_label", "Notes", "html", (str,),
            "The label of a paper's collapsed notes."),
    Setting("papershelf_abstract_label", "Abstract", "html", (str,),
            "The label of a paper's collapsed abstract."),
    Setting("papershelf_local_mathjax", True, "html", (bool,),
            "Serve MathJax from the site instead of its CDN."),
    Setting("papershelf_trust_html", False, "env", (bool,),
            "Let raw HTML in summaries and notes through unsanitized (only for a site whose every "
            "author is trusted)."),
    Setting("papershelf_highlight_authors", [], "env", (list, tuple),
            "Author names to mark wherever they appear (a lab's own members)."),
    Setting("papershelf_mailto", "", "env", (str,),
            "A contact address sent to Crossref's polite pool by `papershelf add` and `refresh`."),
    Setting("papershelf_tune_gc", True, "", (bool,),
            "Keep Python's garbage collector from walking what lives for the whole build "
            "(see papershelf.collector)."),
)


@dataclass(frozen=True)
class Settings:
    """The checked values of one configuration."""

    venue_aliases: tuple[tuple[str, tuple[str, str]], ...]
    notes_label: str
    abstract_label: str
    local_mathjax: bool
    trust_html: bool
    highlight_authors: frozenset[str]   # normalised with catalog.author_key
    mailto: str

    @property
    def alias_table(self) -> dict[str, tuple[str, str]]:
        return dict(self.venue_aliases)


def check_config(app: Sphinx, config: Config) -> None:
    """Warn about each unusable value (with its line in conf.py) and use the
    default instead."""
    for setting in SETTINGS:
        value = config[setting.name]
        if not isinstance(value, setting.types):
            kinds = " or ".join(kind.__name__ for kind in setting.types)
            warn(f"{setting.name} must be a {kinds}, not {type(value).__name__}: using the default "
                 f"{setting.default!r}", "config", conf_location(app.confdir, setting.name))
            config[setting.name] = setting.default
    _, problems = normalise_alias_table(config.papershelf_venue_aliases)
    for problem in problems:
        warn(problem, "config", conf_location(app.confdir, "papershelf_venue_aliases"))
    if not config.papershelf_trust_html and "mathjax3_config" in config:
        # \\href{javascript:...} in a note must not become a link
        config.mathjax3_config = with_safe_mathjax(config.mathjax3_config)
    names = config.papershelf_highlight_authors
    if any(not isinstance(name, str) or not author_key(name) for name in names):
        warn("papershelf_highlight_authors must hold author names (strings); the others are ignored",
             "config", conf_location(app.confdir, "papershelf_highlight_authors"))


_last: tuple[Config, Settings] | None = None


def settings(config: Config) -> Settings:
    """The checked settings of ``config``, read once per configuration object
    (the last one is kept: a build has one)."""
    global _last
    if _last is not None and _last[0] is config:
        return _last[1]
    table, _ = normalise_alias_table(config.papershelf_venue_aliases)
    names = config.papershelf_highlight_authors
    checked = Settings(
        venue_aliases=tuple(sorted(table.items())),
        notes_label=config.papershelf_notes_label,
        abstract_label=config.papershelf_abstract_label,
        local_mathjax=config.papershelf_local_mathjax,
        trust_html=config.papershelf_trust_html,
        highlight_authors=frozenset(author_key(name) for name in names
                                    if isinstance(name, str) and author_key(name)),
        mailto=config.papershelf_mailto,
    )
    _last = (config, checked)
    return checked


def setup_config(app: Sphinx) -> None:
    for setting in SETTINGS:
        app.add_config_value(setting.name, setting.default, setting.rebuild, types=frozenset(setting.types),
                             description=setting.description)
    app.connect("config-inited", check_config, priority=400)
