"""Bad input: a warning with file, line, type and subtype; never a traceback."""

from __future__ import annotations

import re

import pytest

from conftest import read_html, warnings_of

EXPECTED = [
    (3, "title", "paper has no title"),
    (8, "status", "unknown status 'maybe': use one of read, skimmed, unread"),
    (12, "year", "impossible year 3024"),
    (16, "option", "unknown option :venu: (did you mean :venue:?): not applied"),
    (24, "duplicate", "duplicate paper key 'twin': already used on line 19 of this page; "
                      "this entry is kept as 'twin-2'"),
    (28, "link", "'JaVaScRiPt:alert(1)' is not a web link: the javascript: scheme is not allowed"),
    (32, "link", "'data:text/html;base64,PHNjcmlwdD4=' is not a web link: the data: scheme"),
    (36, "link", "'Positional Information Matters for Invariant In-Context Learning' is not a URL"),
    (40, "venue", "unknown venue 'Proceedings of Nowhere'"),
    (44, "key", "invalid key 'has spaces!'"),
    (48, "rating", "invalid rating 'great'"),
    (51, "ref", "no paper with key 'no-such-paper'"),
    # quotes are not YAML here: the value is read as written, backslash and all
    (54, "link", "'java\\\\tscript:alert(1)' is not a URL"),
    (54, "option", "option :blog: quotes around the value removed"),
    (58, "link", "cannot read 'Slides https://example.org/no-angle-brackets' in links"),
    (62, "year", "impossible year 1066 in venue 'ICML 1066'"),
    (68, "duplicate", "duplicate paper key 'clash': the anchor 'paper-clash' is already taken "
                      "on this page; this entry is kept as 'clash-2'"),
]


def parsed_warnings(app) -> list[tuple[int, str, str]]:
    found = []
    for line in warnings_of(app):
        match = re.match(r"(.+?):(\d+): WARNING: (.*) \[papershelf\.(\w+)\]$", line)
        assert match, f"warning without file, line or papershelf type: {line}"
        assert match.group(1).endswith("index.md")
        found.append((int(match.group(2)), match.group(4), match.group(3)))
    return sorted(found)


@pytest.mark.sphinx("html", testroot="bad", freshenv=True)
def test_each_bad_input_warns_at_its_line(app):
    app.build()
    found = parsed_warnings(app)
    assert len(found) == len(EXPECTED), "\n".join(map(str, found))
    for (line, subtype, text), (found_line, found_subtype, message) in zip(EXPECTED, found):
        assert (found_line, found_subtype) == (line, subtype), message
        assert text in message


@pytest.mark.sphinx("html", testroot="bad", freshenv=True)
def test_bad_entries_are_still_rendered(app):
    app.build()
    html = read_html(app)
    # nothing is lost: all 16 entries are on the page, the twin under a new key
    assert html.count('<article class="ps-paper"') == 16
    assert 'id="paper-clash"' in html and 'id="paper-clash-2"' in html
    assert 'id="paper-twin"' in html and 'id="paper-twin-2"' in html
    assert ">Untitled paper</span>" in html
    # a refused link is shown as text, never as a link
    assert not re.search(r'href="\s*(?i:java|data:)', html)
    assert '<span class="ps-link ps-link-refused">paper: <span class="ps-refused-target">' \
           'JaVaScRiPt:alert(1)</span></span>' in html
    assert "Positional Information Matters for Invariant In-Context Learning</span>" in html
    assert "Slides https://example.org/no-angle-brackets</span>" in html
    # the unknown status falls back to the default, the bad year is dropped
    assert re.search(r'data-key="unknown-status" data-status="unread"', html)
    assert 'id="paper-impossible-year"' in html
    assert 'data-year="3024"' not in html and "1066" not in re.sub(r'title="[^"]*"', "", html)


@pytest.mark.sphinx("html", testroot="bad", freshenv=True,
                    confoverrides={"suppress_warnings": ["papershelf.link", "papershelf.ref"]})
def test_a_subtype_can_be_silenced(app):
    app.build()
    subtypes = {subtype for _, subtype, _ in parsed_warnings(app)}
    assert "link" not in subtypes and "ref" not in subtypes
    assert {"title", "status", "year"} <= subtypes


@pytest.mark.sphinx("html", testroot="bad", freshenv=True,
                    confoverrides={"suppress_warnings": ["papershelf"]})
def test_the_type_can_be_silenced(app):
    app.build()
    assert warnings_of(app) == []


@pytest.mark.sphinx("html", testroot="config", freshenv=True)
def test_site_venue_aliases(app):
    app.build()
    html = read_html(app)
    assert 'data-venue="MICCAI" data-venue-kind="conference" data-year="2023"' in html
    assert 'data-venue="Medical Image Analysis" data-venue-kind="journal" data-year="2022"' in html
    # a site's alias wins over the built-in one
    assert 'data-venue="NeurIPS (old name)"' in html
    # the unusable entry is reported against conf.py; the silenced subtype is silent
    warnings = warnings_of(app)
    assert len(warnings) == 1, warnings
    assert "conf.py" in warnings[0] and "venue alias 'Broken': unknown kind 'magazine'" in warnings[0]
    assert warnings[0].endswith("[papershelf.config]")
