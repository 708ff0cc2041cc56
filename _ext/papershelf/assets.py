"""What the HTML pages need beyond Sphinx's defaults: MathJax served from the
site itself, and Chinese search that stays quiet.

MathJax: Sphinx loads it from a CDN, so math in notes does not render for a
reader who opened the site from disk without a network, nor in a test on a
machine without one.  When the ``sphinx-mathjax-offline`` package (pinned in
``requirements.txt``) is installed and ``mathjax_path`` is left at Sphinx's
default, the site serves MathJax 3's ``tex-chtml`` component, its fonts and
its TeX extensions from ``_static/mathjax/`` (about 3 MB, copied once).
``papershelf_local_mathjax = False`` keeps the CDN.

Search: ``html_search_language = "zh"`` indexes Chinese words only when jieba
is installed; without it Sphinx says nothing and the Chinese notes cannot be
found.  Papershelf warns, and keeps jieba's start-up chatter out of the build.
Sphinx 9.0's Chinese search page also fails in the browser: its
``language_data.js`` names a ``ChineseStemmer`` that does not exist, so every
search stays at "Searching…" (sphinx-doc/sphinx#14229).  Papershelf registers
the same language with a stemmer that exists, for as long as Sphinx needs it.
"""

from __future__ import annotations

import importlib.resources
import importlib.util
import logging
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from .diagnostics import conf_location, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

MATHJAX_PACKAGE = "sphinx-mathjax-offline"
MATHJAX_ENTRY = "mathjax/tex-chtml.js"
#: What tex-chtml.js loads at run time: the CommonHTML fonts, and the TeX
#: packages that ``\require`` or the autoloader fetch.
MATHJAX_PARTS = ("tex-chtml.js", "output/chtml/fonts/woff-v2", "input/tex/extensions", "ui/safe.js")


def mathjax_source() -> Path | None:
    """The MathJax folder of the installed package, or ``None``."""
    spec = importlib.util.find_spec(MATHJAX_PACKAGE)
    for location in (spec.submodule_search_locations or ()) if spec else ():
        folder = Path(location, "static", "mathjax")
        if (folder / "tex-chtml.js").is_file():
            return folder
    return None


def use_local_mathjax(app: Sphinx, config: Config) -> None:
    if not config.papershelf_local_mathjax or "mathjax_path" not in config:
        return
    default = getattr(config.values.get("mathjax_path"), "default", None)
    if config.mathjax_path != default:
        return  # the site chose its own MathJax
    if mathjax_source() is None:
        warn(f"papershelf_local_mathjax is on but {MATHJAX_PACKAGE} is not installed: "
             "math is rendered by MathJax from its CDN (pip install -r requirements.txt)", "config",
             conf_location(app.confdir, "papershelf_local_mathjax"))
        return
    config.mathjax_path = MATHJAX_ENTRY


def copy_mathjax(app: Sphinx) -> None:
    """Copy the MathJax files into ``_static/mathjax`` once; later builds find
    them there and copy nothing.  They are copied before any page is written,
    so every page refers to them the same way (Sphinx adds ``?v=<checksum>``
    to a static file that is already in the output), in a clean build and an
    incremental one alike."""
    if app.builder.format != "html" or app.config.mathjax_path != MATHJAX_ENTRY:
        return
    source = mathjax_source()
    if source is None:
        return
    target = Path(app.outdir, "_static", "mathjax")
    # a stamp of what was copied, so that a rebuild does not stat every file
    stamp = target / ".papershelf-copied"
    expected = f"{source}\n{MATHJAX_PARTS}\n{(source / 'tex-chtml.js').stat().st_mtime_ns}\n"
    if stamp.is_file() and stamp.read_text(encoding="utf-8") == expected:
        return
    for part in MATHJAX_PARTS:
        origin = source / part
        files = [origin] if origin.is_file() else sorted(p for p in origin.rglob("*") if p.is_file())
        for file in files:
            destination = target / file.relative_to(source)
            if not destination.is_file() or destination.stat().st_size != file.stat().st_size:
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(file, destination)
    stamp.write_text(expected, encoding="utf-8")


def chinese_search(config: Config) -> str:
    """The site's search language when it is Chinese (``zh``, ``zh_CN``...), else ``""``."""
    language = config.html_search_language or config.language or ""
    return language if language.startswith("zh") else ""


def check_search(app: Sphinx) -> None:
    language = chinese_search(app.config)
    if app.builder.format != "html" or not language:
        return
    try:
        import jieba
    except ImportError:
        warn(f"html_search_language is {language!r} but jieba is not installed: Chinese text will "
             "not be found by the site's search (pip install -r requirements.txt)", "config",
             conf_location(app.confdir, "html_search_language"))
        return
    jieba.setLogLevel(logging.WARNING)


def _stemmer_scripts() -> Path | None:
    """The folder of the JavaScript stemmers Sphinx ships with its search
    (package data, found through importlib rather than a private name)."""
    try:
        folder = Path(str(importlib.resources.files("sphinx.search") / "minified-js"))
    except (ModuleNotFoundError, TypeError):
        return None
    return folder if folder.is_dir() else None


def _chinese_search_is_broken() -> bool:
    """Whether Sphinx's zh search points its page at a stemmer class its
    stemmer code does not define."""
    from sphinx.search import zh

    folder = _stemmer_scripts()
    rawcode = zh.SearchChinese.js_stemmer_rawcode
    if folder is None or not rawcode or not (folder / rawcode).is_file():
        return False
    return f"{zh.SearchChinese.language_name}Stemmer" not in (folder / rawcode).read_text(encoding="utf-8")


def _working_chinese_search() -> type:
    from sphinx.search import zh

    folder = _stemmer_scripts()
    assert folder is not None  # only called when _chinese_search_is_broken() found it

    class ChineseSearch(zh.SearchChinese):
        """Sphinx's Chinese search, with the JavaScript stemmer its page can
        find: the English one, which is what it stems Latin words with."""

        js_stemmer_rawcode = None

        @property
        def js_stemmer_code(self) -> str:  # type: ignore[override]
            english = zh.SearchChinese.js_stemmer_rawcode
            return "\n".join(((folder / "base-stemmer.js").read_text(encoding="utf-8"),
                              (folder / english).read_text(encoding="utf-8"),
                              "window.Stemmer = EnglishStemmer;"))

    return ChineseSearch


def fix_chinese_search(app: Sphinx, config: Config) -> None:
    if chinese_search(config) and _chinese_search_is_broken():
        app.add_search_language(_working_chinese_search())


def setup_assets(app: Sphinx) -> None:
    app.connect("config-inited", fix_chinese_search)
    app.connect("config-inited", use_local_mathjax, priority=600)
    app.connect("builder-inited", check_search)
    app.connect("builder-inited", copy_mathjax)
