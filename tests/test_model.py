"""The rules for a paper's fields, without Sphinx."""

from __future__ import annotations

import datetime
import pickle

import pytest

from papershelf import model
from papershelf.model import (
    Entry, Link, anchor_for, arxiv_id_of, check_key, check_rating, check_status, check_url,
    check_year, derive_key, parse_extra_links, slugify, split_list,
)
from papershelf.venues import parse_venue


@pytest.mark.parametrize(("value", "url"), [
    ("https://arxiv.org/abs/2310.15213", "https://arxiv.org/abs/2310.15213"),
    ("  http://example.org/a?b=c#d  ", "http://example.org/a?b=c#d"),
    ("<https://example.org>", "https://example.org"),
    ("arXiv:2305.19420", "https://arxiv.org/abs/2305.19420"),
    ("arxiv: 2305.19420v2", "https://arxiv.org/abs/2305.19420v2"),
    ("10.48550/arXiv.2501.07542", "https://doi.org/10.48550/arXiv.2501.07542"),
    ("doi:10.1145/3442188.3445922", "https://doi.org/10.1145/3442188.3445922"),
    ("https://例え.jp/論文", "https://例え.jp/論文"),
])
def test_accepted_links(value, url):
    assert check_url(value).value == url
    assert check_url(value).problems == []


@pytest.mark.parametrize(("value", "problem"), [
    ("javascript:alert(1)", "javascript: scheme is not allowed"),
    ("JaVaScRiPt:alert(1)", "javascript: scheme is not allowed"),
    (" java\tscript:alert(1)", "javascript: scheme is not allowed"),
    ("java\nscript:alert(1)", "javascript: scheme is not allowed"),
    ("\x01javascript:alert(1)", "javascript: scheme is not allowed"),
    ("vbscript:msgbox", "vbscript: scheme is not allowed"),
    ("data:text/html;base64,PHNjcmlwdD4=", "data: scheme is not allowed"),
    ("file:///etc/passwd", "file: scheme is not allowed"),
    ("ftp://example.org/x", "ftp: scheme is not allowed"),
    ("Positional Information Matters for Invariant In-Context Learning", "is not a URL"),
    ("Attention: all you need", "is not a URL"),
    ("//example.org/x", "is not a URL"),
    ("papers/local.pdf", "is not a URL"),
    ("https://exa mple.org", "contains spaces"),
    ("https://", "has no host name"),
    ("http://example.org:port/", "is not a valid URL"),
    ("arXiv:not-an-id", "not a valid arXiv identifier"),
    ("", "empty link"),
])
def test_refused_links(value, problem):
    checked = check_url(value)
    assert checked.value is None
    assert len(checked.problems) == 1 and problem in checked.problems[0]


def test_extra_links():
    checked = parse_extra_links("Talk <https://a.org/t>, Poster PDF <https://a.org/p.pdf>\n"
                                "Demo <javascript:x>; <https://nolabel.org> trailing words")
    assert checked.value == [
        ("Talk", "https://a.org/t", "https://a.org/t"),
        ("Poster PDF", "https://a.org/p.pdf", "https://a.org/p.pdf"),
        ("Demo", "javascript:x", None),
        ("link", "trailing words", None),
    ]
    assert len(checked.problems) == 3


def test_keys():
    arxiv = (Link("paper", "http://arxiv.org/abs/2310.15213v2"),)
    assert derive_key("Function Vectors", arxiv) == "2310.15213"
    assert derive_key("X", (Link("pdf", "https://arxiv.org/pdf/2210.14199.pdf"),)) == "2210.14199"
    assert derive_key("X", (Link("paper", "https://arxiv.org/abs/hep-th/9901001"),)) == "hep-th-9901001"
    assert derive_key("X", (Link("paper", "https://doi.org/10.1145/3442188.3445922"),)) \
        == "doi-10-1145-3442188-3445922"
    assert derive_key("Function Vectors in Large Language Models", ()) \
        == "function-vectors-in-large-language-models"
    assert derive_key("大语言模型的幻觉", ()) == "大语言模型的幻觉"
    assert derive_key("!!!", ()).startswith("paper-")
    assert derive_key("!!!", ()) == derive_key("!!!", ())
    assert len(derive_key("word " * 40, ())) <= 60
    assert check_key("vaswani2017").value == "vaswani2017"
    assert check_key("2310.15213").value == "2310.15213"
    assert check_key("has space").value is None
    assert check_key("-leading").value is None
    assert anchor_for("2310.15213") == "paper-2310.15213"


def test_arxiv_ids():
    assert arxiv_id_of("https://arxiv.org/abs/2310.15213v3") == "2310.15213"
    assert arxiv_id_of("https://export.arxiv.org/pdf/2310.15213") == "2310.15213"
    assert arxiv_id_of("https://example.org/abs/2310.15213") is None


def test_status_year_rating_lists():
    assert check_status(None, has_notes=True).value == "read"
    assert check_status(None, has_notes=False).value == "unread"
    assert check_status("Skimmed", has_notes=False).value == "skimmed"
    assert check_status("maybe", has_notes=True).value == "read"
    assert check_status("maybe", has_notes=True).problems
    today = datetime.date(2026, 11, 22)
    assert check_year("2024", today).value == 2024
    assert check_year("2027", today).value == 2027
    assert check_year("2028", today).value is None
    assert check_year("1899", today).value is None
    assert check_year("twenty", today).problems
    assert check_rating("8 6 6 5").value == (8, 6, 6, 5)
    assert check_rating("8 6 6 50").problems
    assert split_list("task vectors, ICL , ,ICL") == ("task vectors", "ICL")
    assert split_list("Smith, J.; Doe, A.") == ("Smith, J.", "Doe, A.")
    assert slugify("  Hello,  World!  ") == "hello-world"


def test_paper_records_are_plain_and_small():
    paper = Entry(key="2310.15213", title="Function Vectors in Large Language Models",
                  docname="papers/icl", lineno=12,
                  venue=parse_venue("ICLR 2024 Oral"), year=2024,
                  links=(Link("paper", "http://arxiv.org/abs/2310.15213"),), tags=("task vectors",),
                  status="read")
    assert pickle.loads(pickle.dumps(paper)) == paper
    assert paper.arxiv_id == "2310.15213"
    assert paper.anchor == "paper-2310.15213"   # derived, not stored
    with pytest.raises(AttributeError):
        paper.title = "changed"  # type: ignore[misc]


@pytest.mark.parametrize(("url", "label", "expected", "problem"), [
    ("http://arxiv.org/abs/2310.15213", "paper", "https://arxiv.org/abs/2310.15213", None),
    ("https://arxiv.org/pdf/2408.13442v1", "paper", "https://arxiv.org/abs/2408.13442v1", None),
    ("https://arxiv.org/pdf/2210.14199.pdf", "paper", "https://arxiv.org/abs/2210.14199", None),
    ("https://arxiv.org/abs/2310.15213v2", "pdf", "https://arxiv.org/pdf/2310.15213v2", None),
    ("https://export.arxiv.org/abs/hep-th/9901001", "paper", "https://arxiv.org/abs/hep-th/9901001", None),
    ("https://arxiv.org/abs/2413.00001", "paper", None, "no valid arXiv identifier"),
    ("https://arxiv.org/abs/attention", "paper", None, "no valid arXiv identifier"),
    ("https://arxiv.org/list/cs.CL/recent", "paper", "https://arxiv.org/list/cs.CL/recent", None),
    ("http://dx.doi.org/10.1145/3442188.3445922", "paper", "https://doi.org/10.1145/3442188.3445922", None),
    ("https://doi.org/not-a-doi", "paper", None, "does not name a DOI"),
    ("https://openreview.net/forum?id=bGGYcvw8mp", "paper", "https://openreview.net/forum?id=bGGYcvw8mp", None),
    ("https://openreview.net/pdf/5737b58d.pdf", "paper", "https://openreview.net/pdf/5737b58d.pdf", None),
    ("https://openreview.net/forum", "paper", None, "names no OpenReview paper"),
    ("https://openreview.net/forum?id=", "paper", None, "names no OpenReview paper"),
    ("https://github.com/HJYao00/Mulberry", "code", "https://github.com/HJYao00/Mulberry", None),
    ("https://github.com/HJYao00", "code", None, "names no GitHub repository"),
    ("https://github.com/orgs/openai", "code", None, "names no GitHub repository"),
    ("https://example.org/paper.pdf", "paper", "https://example.org/paper.pdf", None),
])
def test_normalise_url(url, label, expected, problem):
    checked = model.normalise_url(url, label)
    if problem:
        assert checked.value == url
        assert len(checked.problems) == 1 and problem in checked.problems[0]
    else:
        assert (checked.value, checked.problems) == (expected, [])


def test_a_change_to_the_stored_record_raises_the_env_version():
    """Sphinx drops a saved environment whose extension version differs; a
    record with other fields, loaded from an old environment, would be wrong."""
    import dataclasses

    import papershelf
    from papershelf.domain import PaperDomain

    fields = tuple(field.name for field in dataclasses.fields(Entry))
    link_fields = tuple(field.name for field in dataclasses.fields(Link))
    assert (papershelf.ENV_VERSION, PaperDomain.data_version, fields, link_fields) == (
        8, 5, ("key", "title", "docname", "lineno", "venue", "year", "authors", "links", "tags",
               "status", "rating", "summary", "notes", "abstract", "added", "explicit_key", "stamp",
               "title_key"),
        ("label", "url", "arxiv_id", "doi")), \
        "the stored data changed: raise ENV_VERSION and update this test"


def test_a_link_knows_its_arxiv_id_and_doi_and_keeps_them_through_pickling():
    for url, arxiv, doi in [("https://arxiv.org/abs/2401.00001v2", "2401.00001", None),
                            ("https://doi.org/10.48550/arXiv.2401.00002", "2401.00002", "10.48550/arXiv.2401.00002"),
                            ("https://doi.org/10.1145/3442188.3445922", None, "10.1145/3442188.3445922"),
                            ("https://example.org/paper.pdf", None, None)]:
        link = Link("paper", url)
        assert (link.arxiv_id, link.doi) == (arxiv, doi)
        again = pickle.loads(pickle.dumps(link))
        assert (again, again.arxiv_id, again.doi) == (link, arxiv, doi)


def test_every_entry_made_has_its_own_stamp_kept_through_pickling_and_not_compared():
    import dataclasses

    entry = Entry(key="a", title="A", docname="p", lineno=1, venue=parse_venue(""))
    same = Entry(key="a", title="A", docname="p", lineno=1, venue=parse_venue(""))
    assert entry == same and entry.stamp != same.stamp and entry.stamp
    # a changed copy is a new entry: what was made from the old one is not its
    changed = dataclasses.replace(entry, summary="new")
    assert changed.stamp not in (entry.stamp, same.stamp)
    assert pickle.loads(pickle.dumps(entry)).stamp == entry.stamp
    assert "stamp" not in repr(entry)


def test_a_page_s_entries_load_only_when_asked_and_save_as_they_were_loaded():
    """The saved environment holds each page's entries as one blob with the
    objects the inventory asks for beside it: loading makes no entry, and a
    page not read again is saved as the same bytes."""
    from papershelf.domain import PageEntries

    page = PageEntries()
    first = Entry(key="a", title="A", docname="p", lineno=1, venue=parse_venue(""))
    second = Entry(key="b", title="B", docname="p", lineno=5, venue=parse_venue(""))
    page.add(first)
    page.add(second)
    data = pickle.dumps({"p": page})
    loaded = pickle.loads(data)["p"]
    assert loaded._entries is None   # nothing unpickled yet
    assert loaded.objects == (("a", "A", "paper-a"), ("b", "B", "paper-b"))
    assert loaded._entries is None
    assert pickle.dumps({"p": loaded}) == data
    # asked for, the entries are the ones stored, stamps and all
    assert list(loaded) == ["a", "b"] and loaded["b"] == second and loaded["b"].stamp == second.stamp
    # a new entry makes a new blob and new objects
    third = Entry(key="c", title="C", docname="p", lineno=9, venue=parse_venue(""))
    loaded.add(third)
    again = pickle.loads(pickle.dumps(loaded))
    assert [entry.key for entry in again.values()] == ["a", "b", "c"]
    assert again.objects[-1] == ("c", "C", "paper-c")
