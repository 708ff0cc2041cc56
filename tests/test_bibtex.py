"""BibTeX entries read back by a strict BibTeX parser and decoded as LaTeX prints them."""

from __future__ import annotations

import dataclasses
import pickle
import unicodedata
from urllib.parse import unquote

import pybtex.database
import pybtex.errors
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

from papershelf.bibtex import bibtex_entry, bibtex_key, bibtex_name, to_latex, verbatim


def _decoder() -> LatexNodes2Text:
    """LaTeX to the text it prints.  pylatexenc 2.11 lacks three of the LaTeX
    kernel's text commands; they are taught here as LaTeX defines them."""
    context = get_default_latex_context_db()
    context.add_context_category("latex-kernel-text-commands", prepend=True, macros=[
        MacroTextSpec("textbraceleft", "{"), MacroTextSpec("textbraceright", "}"),
        MacroTextSpec("textasciicircum", "^"),
    ])
    return LatexNodes2Text(latex_context=context, math_mode="verbatim")


DECODER = _decoder()


def decode(latex: str) -> str:
    return DECODER.latex_to_text(latex)


def plain(text: str) -> str:
    """What the site's text is expected to read as: whitespace runs as one
    space, control characters gone (BibTeX collapses whitespace too)."""
    return " ".join("".join(c for c in text
                            if c.isspace() or unicodedata.category(c) != "Cc").split())


@pytest.fixture(autouse=True)
def strict_pybtex():
    before = pybtex.errors.strict
    pybtex.errors.set_strict_mode(True)
    yield
    pybtex.errors.set_strict_mode(before)


def parse(text: str):
    """The entries of ``text``, read by pybtex in strict mode (any problem raises)."""
    return pybtex.database.parse_string(text, "bibtex")


def person_text(person) -> str:
    """One pybtex person back as one string, in the order it was written."""
    parts = [*person.first_names, *person.middle_names, *person.prelast_names,
             *person.last_names]
    text = decode(" ".join(parts))
    if person.lineage_names:
        text += ", " + decode(" ".join(person.lineage_names))
    return text


def round_trip(title: str, authors: list[str], url: str, **extra: str):
    fields = [("title", title), ("booktitle", extra.get("venue", "ICLR 2024")),
              ("year", "2024"), ("url", url), ("note", extra.get("note", ""))]
    text = bibtex_entry("inproceedings", extra.get("key", "2310.15213"), fields, authors)
    data = parse(text)
    [(key, entry)] = data.entries.items()
    return text, key, entry


def assert_round_trip(title: str, authors: list[str], url: str, **extra: str) -> None:
    text, key, entry = round_trip(title, authors, url, **extra)
    if plain(title):
        assert decode(entry.fields["title"]) == plain(title), text
    else:
        assert "title" not in entry.fields
    written_authors = [plain(author) for author in authors if plain(author)]
    assert [person_text(person) for person in entry.persons.get("author", [])] == \
        written_authors, text
    if url.strip():
        assert unquote(entry.fields["url"]) == unquote(url.strip()), text
    if plain(extra.get("venue", "ICLR 2024")):
        assert decode(entry.fields["booktitle"]) == plain(extra.get("venue", "ICLR 2024")), text
    if plain(extra.get("note", "")):
        assert decode(entry.fields["note"]) == plain(extra["note"]), text
    # braces balance in every field, so that LaTeX reads the .bbl as BibTeX did
    for value in entry.fields.values():
        depth = 0
        for char in value:
            depth += {"{": 1, "}": -1}.get(char, 0)
            assert depth >= 0, text
        assert depth == 0, text


# -- the cases of the report, one by one -------------------------------------------

@pytest.mark.parametrize("title", [
    "A title ending in a backslash \\",
    "Holding \\} a closing brace",
    "Unbalanced { opening",
    "Unbalanced } closing",
    "}{ reversed braces {{",
    "\\textbf{x} written literally",
    "\\input{/etc/passwd}",
    "\\def\\x{y}\\x",
    "Math $x^2 + y_i$ in a title",
    "Price $5 & 10% off #1 ~ caret ^ under_score",
    "Dashes -- and --- and quotes ``like'' this, ,,low'' << >> ?` !`",
    "BERT: Pre-training of Deep Bidirectional Transformers",
    "Ünïcödé, 中文标题, 日本語のタイトル, 한국어, Ελληνικά, עברית",
    "Emoji 🚀 and symbols ∑ ≤ →",
    "  whitespace\tin \n odd\u00a0places  ",
    "\\\\ double backslash and \\ spaced",
    "@inproceedings{inner, title={x}}",
    "Title with } then ,\n  author = {Injected}",
    "%comment-like % sign",
    "\"quoted\" title",
    "Control\x00characters\x1bgone",
])
def test_hostile_titles_round_trip(title):
    assert_round_trip(title, ["Eric Todd"], "https://arxiv.org/abs/2310.15213")


@pytest.mark.parametrize(("name", "braced"), [
    ("Eric Todd", False),
    ("Millicent L. Li", False),
    ("Ludwig van Beethoven", False),
    ("Jean de La Fontaine", False),
    ("Plato", False),
    ("Tom and Jerry", True),
    ("Andrea Anderson", False),
    ("Simon & Garfunkel", True),
    ("Martin Luther King, Jr.", True),
    ("Martin Luther King Jr.", True),
    ("Louis XIV", True),
    ("Smith, John", True),
    ("山田 太郎", True),
    ("王小明", False),
    ("OpenAI Team", True),
    ("The BigScience Workshop", True),
    ("DeepSeek-AI", False),
    ("others", True),
    ("A. {Strange} Name", True),
    ("Back\\slash Name", True),
    ("O'Brien", False),
    ("José Müller-Lüdenscheidt", False),
    ("and", True),
    ("Ann And Bob", True),
])
def test_author_names(name, braced):
    written = bibtex_name(name)
    assert written.startswith("{") == braced
    assert_round_trip("Title", ["First Author", name, "Last Author"],
                      "https://example.org")


def test_and_in_a_name_stays_one_person():
    _, _, entry = round_trip("T", ["Tom and Jerry", "Eric Todd"], "")
    assert len(entry.persons["author"]) == 2


def test_many_authors_and_blank_ones():
    names = [f"Author Number{i}" for i in range(60)] + ["", "  "]
    assert_round_trip("T", names, "")


@pytest.mark.parametrize("url", [
    "https://arxiv.org/abs/2310.15213",
    "https://example.org/a%20b?x=1&y=2#section-3",
    "https://example.org/100%",
    "https://example.org/%zz",
    "https://example.org/a#b#c",
    "https://example.org/{braces}",
    "https://example.org/}",
    "https://example.org/back\\slash\\",
    "https://example.org/with space",
    "https://example.org/~user/_file_^x$",
    "https://例え.jp/論文",
    "https://example.org/a%7Bb%7D",
    "https://example.org/a}\n,  note = {Injected",
])
def test_urls_round_trip(url):
    text, _, entry = round_trip("T", [], url)
    assert unquote(entry.fields["url"]) == unquote(url.strip())
    assert not set("{}\\ ") & set(entry.fields["url"]), text
    assert "note" not in entry.fields


def test_ordinary_url_is_written_unchanged():
    url = "https://example.org/a%20b?x=1&y=2_z~w#section-3"
    assert verbatim(url) == url


def test_doi_and_eprint_are_verbatim():
    text = bibtex_entry("misc", "k", [("title", "T"), ("doi", "10.1000/a_b%c"),
                                      ("eprint", "2310.15213")])
    entry = parse(text).entries["k"]
    assert entry.fields["doi"] == "10.1000/a_b%25c"
    assert entry.fields["eprint"] == "2310.15213"


def test_title_capitals_are_protected():
    text = bibtex_entry("misc", "k", [("title", "BERT and GPT")])
    assert "title = {{BERT and GPT}}" in text


def test_entry_layout():
    text = bibtex_entry("inproceedings", "2310.15213",
                        [("title", "Function Vectors in Large Language Models"),
                         ("booktitle", "ICLR 2024"), ("year", "2024"),
                         ("url", "http://arxiv.org/abs/2310.15213")],
                        ["Eric Todd", "Millicent L. Li"])
    assert text == (
        "@inproceedings{2310.15213,\n"
        "  title = {{Function Vectors in Large Language Models}},\n"
        "  author = {Eric Todd and Millicent L. Li},\n"
        "  booktitle = {ICLR 2024},\n"
        "  year = {2024},\n"
        "  url = {http://arxiv.org/abs/2310.15213}\n"
        "}\n")


def test_authors_without_a_title_come_first_and_empty_fields_are_left_out():
    text = bibtex_entry("misc", "k", [("note", ""), ("year", "2024"), ("year", "2025")],
                        ["A B"])
    assert text == "@misc{k,\n  author = {A B},\n  year = {2024}\n}\n"
    parse(text)


def test_bad_entry_type_is_misc_and_bad_field_name_is_refused():
    assert bibtex_entry("in proceedings}", "k", [("title", "T")]).startswith("@misc{k,")
    with pytest.raises(ValueError):
        bibtex_entry("misc", "k", [("ti tle", "T")])


@pytest.mark.parametrize(("key", "written"), [
    ("2310.15213", "2310.15213"),
    ("doi-10.1145/3442188", "doi-10.1145/3442188"),
    ("todd2024function", "todd2024function"),
    ("函数向量", "函数向量"),
    ("a b,c{d}e%f#g\\h", "a-b-c-d-e-f-g-h"),
    ("  ", "paper"),
    ("}", "paper"),
])
def test_bibtex_key(key, written):
    assert bibtex_key(key) == written
    assert parse(bibtex_entry("misc", key, [("title", "T")])).entries[written]


def test_a_file_of_many_entries_parses_strictly():
    entries = [bibtex_entry("misc", f"key{i}", [("title", title)], [name])
               for i, (title, name) in enumerate([("a}", "b{"), ("\\", "Tom and Jerry"),
                                                  ("$x$", "X, Y")])]
    data = parse("\n".join(entries))
    assert list(data.entries) == ["key0", "key1", "key2"]


# -- to_latex on its own ---------------------------------------------------------------

@pytest.mark.parametrize(("text", "latex"), [
    ("a & b", r"a \& b"),
    ("50%", r"50\%"),
    ("#1", r"\#1"),
    ("a_b", r"a\_b"),
    ("$x$", r"\$x\$"),
    ("~", r"\textasciitilde{}"),
    ("^", r"\textasciicircum{}"),
    ("\\", r"\textbackslash{}"),
    ("{}", r"\textbraceleft{}\textbraceright{}"),
    ("--", "-{}-"),
    ("''", "'{}'"),
    ("plain text", "plain text"),
])
def test_to_latex(text, latex):
    assert to_latex(text) == latex
    assert decode(latex) == text


# -- the property: hostile text round-trips ------------------------------------------------

PIECES = st.sampled_from([
    "\\", "\\}", "\\{", "{", "}", "\\textbf{x}", " and ", "And", ",", "Jr.", "$", "$x^2$", "%",
    "#", "&", "_", "~", "^", "--", "''", "``", ",,", "<<", "?`", "@", "\"", "中文", "é", "🚀",
    "\t", "\n", "\u00a0", " ", "others", "Team", "\x00", "\\\\", "\\'e", "a", "Z",
])
HOSTILE = st.lists(st.one_of(PIECES, st.text(max_size=6)), max_size=10).map("".join)
URLS = st.builds(lambda tail: "https://example.org/" + tail,
                 st.lists(st.one_of(st.sampled_from(["%", "%41", "#", "{", "}", "\\", " ",
                                                     "~", "_", "&", "?", "="]),
                                    st.text(max_size=4)), max_size=8).map("".join))


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(HOSTILE, st.lists(HOSTILE, max_size=5), URLS, HOSTILE, HOSTILE)
def test_property_hostile_entries_round_trip(title, authors, url, venue, note):
    assert_round_trip(title, authors, url, venue=venue, note=note)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=20))
def test_property_any_key_is_a_key(key):
    written = bibtex_key(key)
    assert parse(bibtex_entry("misc", key, [("title", "T")])).entries[written]


def test_entries_are_kept_from_build_to_build(tmp_path, monkeypatch):
    """The entries one build wrote are taken by the next for the papers whose
    entries were not read again; a paper read again is written again; parts
    kept by other code or under other settings are not taken."""
    from papershelf import exports
    from papershelf.catalog import build as build_catalog
    from papershelf.model import Entry
    from papershelf.venues import get_parser

    def paper(title: str, venue: str = "ICLR 2024"):
        entry = Entry(key="", title=title, docname="p", lineno=1, venue=get_parser().parse(venue), year=2024)
        return build_catalog([dataclasses.replace(entry, key=title.lower().replace(" ", "-"))]).papers[0]

    settings = ("0", "html", "")
    one, two = paper("One Paper"), paper("Two Paper")
    first = exports.BibTeX(exports.KeptParts(settings=settings))
    texts = [first(one), first(two)]
    path = tmp_path / "kept.pickle"
    first.kept.save(path)
    written = []
    real = exports.write_bibtex
    monkeypatch.setattr(exports, "write_bibtex", lambda *args: written.append(args[1]) or real(*args))

    def load(settings=settings):
        return exports.BibTeX(exports.KeptParts.load(path, settings))

    second = load()
    # the same entries (as the saved environment gives them back): taken
    assert second(pickle.loads(pickle.dumps(one))) == texts[0]
    # a page read again makes new entries, even with the same words: written again
    assert second(paper("Two Paper")) == texts[1]
    changed = load()(paper("Two Paper", "NeurIPS 2023"))
    assert changed != texts[1] and "NeurIPS" in changed
    assert written == ["two-paper", "two-paper"]
    # other code, other settings: nothing is taken
    assert load(("0", "dirhtml", ""))(one) == texts[0]
    monkeypatch.setattr(exports.KeptParts, "STAMP", "other")
    assert load()(one) == texts[0]
    assert written == ["two-paper", "two-paper", "one-paper", "one-paper"]
    # a broken file is an empty one
    path.write_bytes(b"not a pickle")
    assert load()(two) == texts[1]
