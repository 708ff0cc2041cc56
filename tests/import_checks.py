"""Checks shared by the importer's tests: what a written page holds, read
with the site's own MyST parser configuration."""

from __future__ import annotations

from functools import lru_cache

from markdown_it.renderer import RendererHTML
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser

# the site's conf.py: myst_enable_extensions
SITE_EXTENSIONS = {"dollarmath", "amsmath", "colon_fence", "deflist"}
# MyST tokens that do something else than show text
ACTIVE = {"myst_role", "myst_target", "myst_line_comment", "myst_block_break", "html_block", "html_inline",
          "image", "colon_fence"}


@lru_cache(maxsize=1)
def myst():
    return create_md_parser(MdParserConfig(enable_extensions=SITE_EXTENSIONS), RendererHTML)


def _walk(tokens):
    for token in tokens:
        yield token
        if token.children:
            yield from _walk(token.children)


def paper_blocks(page: str) -> list[tuple[str, str]]:
    """The (title, body) of every ``paper`` directive of a page; and every
    other directive of the page must be a toctree."""
    blocks = []
    for token in myst().parse(page):
        if token.type == "fence" and token.info.strip().startswith("{"):
            name, _, argument = token.info.strip().partition(" ")
            assert name in ("{paper}", "{toctree}"), f"unexpected directive {token.info!r}"
            if name == "{paper}":
                blocks.append((argument, token.content))
        else:
            for inner in _walk([token]):
                assert inner.type not in ACTIVE, (inner.type, inner.content, page)
                if inner.type == "fence":
                    assert not inner.info.strip().startswith("{"), inner.info
    return blocks


def options_and_body(content: str) -> tuple[dict[str, str], str]:
    lines = content.split("\n")
    options: dict[str, str] = {}
    index = 0
    while index < len(lines) and lines[index].startswith(":"):
        name, _, value = lines[index][1:].partition(": ")
        options[name.rstrip(":")] = value
        index += 1
    return options, "\n".join(lines[index:]).strip("\n")


def assert_inert(body: str) -> None:
    """A directive's body, as the directive parses it: text only, links only
    to the web."""
    for token in _walk(myst().parse(body)):
        assert token.type not in ACTIVE, (token.type, token.content, body)
        if token.type == "fence":
            assert not token.info.strip().startswith("{"), (token.info, body)
        if token.type == "link_open":
            href = token.attrs.get("href", "")
            assert href.startswith(("http://", "https://", "#", "mailto:")), (href, body)
