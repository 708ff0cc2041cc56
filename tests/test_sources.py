"""``python -m papershelf add`` and ``refresh`` against stand-ins of the five APIs on 127.0.0.1."""

from __future__ import annotations

import datetime
import difflib
import json
import socket
from pathlib import Path

import pytest

from papershelf.cli import main
from papershelf.pagetext import append_entry, find_entries, set_options
from papershelf.sources import arxiv as arxiv_api
from papershelf.sources.cache import Cache
from papershelf.sources.http import PoliteClient, retry_after
from papershelf.sources.ids import parse_id

import standins

FV_ENTRY = """\
```{paper} Function Vectors in Large Language Models
:key: 2310.15213
:venue: Arxiv Oct 2023
:paper: http://arxiv.org/abs/2310.15213
:openreview: https://openreview.net/forum?id=AwyxtyMwaG
:tags: task vectors
:status: read

The owner's summary, `with code`.

The owner's notes: $v_t = \\sum_j a_j$.
```
"""

PAGE = f"""\
# LLM

Some words about the topic.

## Interpretability

{FV_ENTRY}
## Efficiency

```python
# not a heading, and the next line is not an entry
```

## Later
"""


@pytest.fixture
def stand(monkeypatch):
    server = standins.start()
    for name, value in server.environ().items():
        monkeypatch.setenv(name, value)
    for name in ("PAPERSHELF_SOURCES", "SEMANTIC_SCHOLAR_API_KEY", "PAPERSHELF_MAILTO",
                 "PAPERSHELF_CACHE_DAYS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PAPERSHELF_REQUEST_INTERVAL", "0")
    monkeypatch.setenv("PAPERSHELF_BACKOFF", "0.01")
    yield server
    server.server.shutdown()
    server.server.server_close()


@pytest.fixture
def site(tmp_path, monkeypatch):
    root = tmp_path / "site"
    (root / "papers").mkdir(parents=True)
    (root / "conf.py").write_text('project = "test"\npapershelf_mailto = "owner@example.org"\n')
    (root / "papers" / "llm.md").write_text(PAGE, encoding="utf-8")
    (root / "papers" / "empty.md").write_text("# Empty\n\nNo papers on this topic yet.\n", encoding="utf-8")
    monkeypatch.chdir(root)
    monkeypatch.setenv("PAPERSHELF_CACHE", str(tmp_path / "cache"))
    return root


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- identifiers -------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("2310.15213", "arxiv:2310.15213"), ("2310.15213v2", "arxiv:2310.15213"),
    ("arXiv:2310.15213", "arxiv:2310.15213"), ("ARXIV: 2310.15213v3", "arxiv:2310.15213"),
    ("https://arxiv.org/abs/2310.15213v2", "arxiv:2310.15213"),
    ("http://arxiv.org/pdf/2310.15213v1.pdf", "arxiv:2310.15213"),
    ("https://arxiv.org/html/2310.15213v2", "arxiv:2310.15213"),
    ("https://export.arxiv.org/abs/2310.15213", "arxiv:2310.15213"),
    ("hep-th/9901001", "arxiv:hep-th/9901001"), ("math.GT/0309136v1", "arxiv:math.GT/0309136"),
    ("10.48550/arXiv.2310.15213", "arxiv:2310.15213"),
    ("https://doi.org/10.48550/arXiv.2310.15213", "arxiv:2310.15213"),
    ("10.18653/v1/2023.acl-long.1", "doi:10.18653/v1/2023.acl-long.1"),
    ("doi:10.1000/xyz", "doi:10.1000/xyz"), ("https://doi.org/10.1000/XYZ", "doi:10.1000/XYZ"),
    ("https://dx.doi.org/10.1000/xyz", "doi:10.1000/xyz"),
    ("https://openreview.net/forum?id=AwyxtyMwaG", "openreview:AwyxtyMwaG"),
    ("https://openreview.net/pdf?id=AwyxtyMwaG", "openreview:AwyxtyMwaG"),
    ("Attention is all you need", None), ("javascript:alert(1)", None), ("", None),
    ("https://example.org/paper", None),
])
def test_ids_in_every_spelling(text, expected):
    found = parse_id(text)
    assert (str(found) if found else None) == expected


# -- add ---------------------------------------------------------------------

def new_lines(before: str, after: str) -> list[str]:
    """The lines ``after`` adds to ``before``; fails if it changes or removes any."""
    diff = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    assert not [line for line in diff if line.startswith("- ")], "a line of the page changed"
    return [line[2:] for line in diff if line.startswith("+ ")]


def test_add_writes_a_complete_entry_from_arxiv(stand, site, capsys):
    page = site / "papers" / "empty.md"
    before = page.read_text(encoding="utf-8")
    today = datetime.date.today().isoformat()
    code = main(["add", "arXiv:2402.17762v1", "--to", str(page), "--tags", "activations, outliers",
                 "llm", "--status", "skimmed"])
    assert code == 0
    after = page.read_text(encoding="utf-8")
    assert after.startswith(before.rstrip("\n") + "\n\n")
    assert new_lines(before, after) == [
        "",
        "```{paper} Massive Activations in Large Language Models",
        ":key: 2402.17762",
        ":authors: Mingjie Sun, Xinlei Chen, J. Zico Kolter, Zhuang Liu",
        ":venue: arXiv 2024",
        ":year: 2024",
        ":paper: https://arxiv.org/abs/2402.17762",
        ":pdf: https://arxiv.org/pdf/2402.17762",
        ":abstract: Some activations are massive.",
        f":added: {today}",
        ":tags: activations, outliers, llm",
        ":status: skimmed",
        "```",
    ]
    assert "papers/empty.md:5: added Massive Activations in Large Language Models (from arXiv)" in capsys.readouterr().out
    assert [seen.query["id_list"] for seen in stand.requests("arxiv")] == [["2402.17762"]]


def test_add_keeps_math_ampersands_scripts_and_fences_longer_than_backticks(stand, site):
    page = site / "papers" / "empty.md"
    assert main(["add", "2401.00001", "--to", str(page)]) == 0
    text = page.read_text(encoding="utf-8")
    [entry] = find_entries(text, page)
    # the title as the source gives it: math, "&", backticks (so a tilde fence), accents
    assert entry.title == standins.MATH_TITLE
    assert text.count("~~~{paper} " + standins.MATH_TITLE) == 1
    # one name holds a comma: all are separated by semicolons
    assert entry.options["authors"] == "José Ñúñez; 李雷; Martin Luther King Jr.; Ørsted, Hans Christian"
    # the abstract on one line, its backticks inside the fence
    assert entry.options["abstract"] == "We show that ````code```` & $a<b$ hold. Second line of the abstract."
    assert entry.options["links"] == "DOI <https://doi.org/10.1000/math.2024.1>"
    assert entry.options["venue"] == "Journal of Unlikely Results 2024"


def test_add_finds_where_a_preprint_was_published(stand, site, capsys):
    (site / "papers" / "llm.md").unlink()
    page = site / "papers" / "empty.md"
    assert main(["add", "2310.15213", "2104.08758", "2305.00002", "--to", str(page)]) == 0
    entries = {entry.options["key"]: entry.options for entry in find_entries(page.read_text(encoding="utf-8"), page)}
    # Semantic Scholar, DBLP, and OpenReview (through the forum DBLP links to) agree
    assert (entries["2310.15213"]["venue"], entries["2310.15213"]["year"]) == ("ICLR 2024", "2024")
    assert [seen.query["id"] for seen in stand.requests("openreview")] == [["AwyxtyMwaG"]]
    # the published paper's DOI joins the links
    assert (entries["2104.08758"]["venue"], entries["2104.08758"]["year"]) == ("EMNLP 2021", "2021")
    assert entries["2104.08758"]["links"] == "DOI <https://doi.org/10.18653/v1/2021.emnlp-main.98>"
    # where the sources disagree, the entry stays a preprint, and the command says why
    assert (entries["2305.00002"]["venue"], entries["2305.00002"]["year"]) == ("arXiv 2023", "2023")
    assert ("A Paper the Sources Disagree About: sources disagree on the venue (Semantic Scholar: "
            "Neural Information Processing Systems (2023); DBLP: ICML (2023)); the venue stays 'arXiv 2023'"
            in capsys.readouterr().err)
    assert len(stand.requests("s2")) == 1 and len(stand.requests("arxiv")) == 1


def test_add_changes_nothing_when_a_venue_source_is_down(stand, site, capsys):
    page = site / "papers" / "empty.md"
    before = page.read_bytes()
    stand.fail["s2"] = [503] * 4
    assert main(["add", "2402.17762", "--to", str(page)]) == 3
    err = capsys.readouterr().err
    assert "could not reach Semantic Scholar" in err and "nothing was changed" in err
    assert page.read_bytes() == before


def test_add_under_a_section_changes_nothing_else(stand, site):
    page = site / "papers" / "llm.md"
    before = page.read_text(encoding="utf-8")
    assert main(["add", "https://arxiv.org/abs/2104.08758v2", "--to", str(page),
                 "--section", "Efficiency"]) == 0
    after = page.read_text(encoding="utf-8")
    added = new_lines(before, after)
    assert added[0] == "```{paper} Documenting Large Webtext Corpora: A Case Study on the Colossal Clean Crawled Corpus"
    # after the section's code block, before "## Later", blank lines around it
    position = after.index(added[0])
    assert after.index("# not a heading") < position < after.index("## Later")
    assert after[position - 2: position] == "\n\n"
    assert after[after.index("```\n", position + 10):].startswith("```\n\n## Later")


def test_add_from_a_doi_through_crossref_in_its_polite_pool(stand, site):
    page = site / "papers" / "empty.md"
    assert main(["add", "https://doi.org/10.18653/v1/2023.acl-long.1", "--to", str(page)]) == 0
    [entry] = find_entries(page.read_text(encoding="utf-8"), page)
    assert entry.title == "One Cannot Stand for Everyone! Leveraging Multiple User Simulators & More"
    assert entry.options["authors"] == "Zhi Chen, Anne-Marie O'Neil"
    assert entry.options["venue"] == "ACL 2023"
    assert entry.options["paper"] == "https://doi.org/10.18653/v1/2023.acl-long.1"
    assert entry.options["abstract"] == "Users are <many> & varied."
    [seen] = stand.requests("crossref")
    # mailto from conf.py, read without running it
    assert seen.query["mailto"] == ["owner@example.org"]
    assert "mailto:owner@example.org" in seen.headers["user-agent"]


def test_add_from_an_openreview_forum(stand, site):
    page = site / "papers" / "empty.md"
    assert main(["add", "https://openreview.net/forum?id=RejectedXy", "--to", str(page)]) == 0
    [entry] = find_entries(page.read_text(encoding="utf-8"), page)
    assert entry.title == "A Rejected Paper"
    assert entry.options["venue"] == "Submitted to ICLR 2024"
    assert entry.options["paper"] == "https://openreview.net/forum?id=RejectedXy"
    assert entry.options["year"] == "2023"


@pytest.mark.parametrize("paper_id, why", [
    ("2310.15213v2", "arXiv 2310.15213"),
    ("https://openreview.net/pdf?id=AwyxtyMwaG", "OpenReview AwyxtyMwaG"),
])
def test_a_paper_already_there_is_refused_without_asking(stand, site, capsys, paper_id, why):
    page = site / "papers" / "empty.md"
    before = page.read_bytes()
    assert main(["add", "2402.17762", paper_id, "--to", str(page)]) == 1
    assert page.read_bytes() == before
    out = capsys.readouterr().out
    assert "papers/llm.md:7: already there: " \
           f"Function Vectors in Large Language Models ({why})" in out
    assert stand.seen == []


def test_a_paper_already_there_by_title_is_refused(stand, site, capsys):
    page = site / "papers" / "empty.md"
    (site / "papers" / "other.md").write_text(
        "# Other\n\n```{paper} massive activations in large-language models!\n```\n", encoding="utf-8")
    before = page.read_bytes()
    assert main(["add", "2402.17762", "--to", str(page)]) == 1
    assert page.read_bytes() == before
    assert "papers/other.md:3: already there: massive activations" in capsys.readouterr().out


def test_the_same_paper_twice_in_one_command_is_refused(stand, site, capsys):
    page = site / "papers" / "empty.md"
    before = page.read_bytes()
    assert main(["add", "2402.17762", "arXiv:2402.17762v1", "--to", str(page)]) == 1
    assert page.read_bytes() == before


def test_many_arxiv_ids_go_in_one_request(stand, site):
    page = site / "papers" / "empty.md"
    assert main(["add", "2402.17762", "2104.08758", "2305.00002", "--to", str(page)]) == 0
    [seen] = stand.requests("arxiv")
    assert seen.query["id_list"] == ["2402.17762,2104.08758,2305.00002"]
    assert [entry.options["key"] for entry in find_entries(page.read_text(encoding="utf-8"), page)] == [
        "2402.17762", "2104.08758", "2305.00002"]


@pytest.mark.parametrize("args, message", [
    (["add", "not an id", "--to", "papers/empty.md"], "cannot read 'not an id'"),
    (["add", "2402.17762", "--to", "papers/nowhere.md"], "no such page"),
    (["add", "2402.17762", "--to", "papers/llm.md", "--section", "Nowhere"],
     "no section 'Nowhere' (headings: 'LLM', 'Interpretability', 'Efficiency', 'Later')"),
    (["add", "2402.17762", "--to", "papers/llm.md", "--status", "finished"], "--status takes one of"),
])
def test_bad_arguments_ask_nothing(stand, site, capsys, args, message):
    before = (site / "papers" / "llm.md").read_bytes()
    assert main(args) == 2
    assert message in capsys.readouterr().err
    assert stand.seen == []
    assert (site / "papers" / "llm.md").read_bytes() == before


def test_an_unknown_paper_adds_nothing(stand, site, capsys):
    page = site / "papers" / "empty.md"
    before = page.read_bytes()
    assert main(["add", "2402.17762", "2412.99999", "--to", str(page)]) == 1
    assert "arXiv has no paper 2412.99999" in capsys.readouterr().err
    assert page.read_bytes() == before


def test_no_network_names_the_source_and_changes_nothing(site, monkeypatch, capsys):
    port = closed_port()
    for variable, path in (("PAPERSHELF_ARXIV_API", "arxiv"), ("PAPERSHELF_S2_API", "s2"),
                           ("PAPERSHELF_DBLP_API", "dblp"), ("PAPERSHELF_OPENREVIEW_API", "or"),
                           ("PAPERSHELF_CROSSREF_API", "cr")):
        monkeypatch.setenv(variable, f"http://127.0.0.1:{port}/{path}")
    monkeypatch.delenv("PAPERSHELF_SOURCES", raising=False)
    page = site / "papers" / "llm.md"
    before = page.read_bytes()
    assert main(["add", "2402.17762", "--to", str(page)]) == 3
    err = capsys.readouterr().err
    assert f"could not reach arXiv (http://127.0.0.1:{port}/arxiv): connection refused" in err
    assert "nothing was changed" in err and "Traceback" not in err
    assert main(["refresh", "--write"]) == 3
    err = capsys.readouterr().err
    for name in ("arXiv", "Semantic Scholar", "DBLP", "OpenReview"):
        assert f"could not reach {name} " in err
    assert page.read_bytes() == before


# -- refresh -------------------------------------------------------------------

REFRESH_PAGE = f"""\
# Preprints

{FV_ENTRY}
```{{paper}} A Paper the Sources Disagree About
:paper: https://arxiv.org/abs/2305.00002
:venue: arXiv

Mine.
```

```{{paper}} Massive Activations in Large Language Models
:paper: https://arxiv.org/pdf/2402.17762
```

```{{paper}} Documenting Large Webtext Corpora: A Case Study on the Colossal Clean Crawled Corpus
:key: 2104.08758
:year: 2022
:links: C4 <https://arxiv.org/pdf/2104.08758>
:tags: data

Get website data.
```

```{{paper}} No Identifier At All
:venue: ICML 2020
```

```{{paper}} Function Vectors in Large Language Models, the Owner's Copy
:venue: ICLR 2024
:year: 2023
:paper: https://arxiv.org/abs/2310.15213
:authors: Eric Todd
:abstract: The owner's abstract.
```
"""


def test_refresh_prints_what_it_would_change_and_changes_nothing(stand, site, capsys):
    page = site / "papers" / "preprints.md"
    page.write_text(REFRESH_PAGE, encoding="utf-8")
    before = {path: path.read_bytes() for path in (site / "papers").glob("*.md")}
    assert main(["refresh", str(page)]) == 0
    assert {path: path.read_bytes() for path in (site / "papers").glob("*.md")} == before
    out = capsys.readouterr().out
    assert "papers/preprints.md:3: Function Vectors in Large Language Models\n" \
           "    venue: 'Arxiv Oct 2023' -> 'ICLR 2024'  [Semantic Scholar, DBLP, OpenReview]\n" in out
    assert "authors: + 'Eric Todd, Millicent L. Li," in out and "  [arXiv]" in out
    assert ("sources disagree on the venue (Semantic Scholar: Neural Information Processing Systems "
            "(2023); DBLP: ICML (2023)); nothing changed") in out
    assert "5 papers with an arXiv id or DOI checked: would change 3, 1 where the sources disagree" in out


def test_refresh_write_rewrites_only_those_option_lines(stand, site, capsys, tmp_path):
    page = site / "papers" / "preprints.md"
    page.write_text(REFRESH_PAGE, encoding="utf-8")
    report = tmp_path / "report.json"
    assert main(["refresh", str(page), "--write", "--report", str(report)]) == 0
    after = page.read_text(encoding="utf-8")
    diff = [line for line in difflib.unified_diff(REFRESH_PAGE.splitlines(), after.splitlines(), lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert sorted(line for line in diff if line.startswith("-")) == [
        "-:links: C4 <https://arxiv.org/pdf/2104.08758>",
        "-:venue: Arxiv Oct 2023",
        "-:year: 2022",
    ]
    assert sorted(line for line in diff if line.startswith("+")) == sorted([
        "+:venue: ICLR 2024",
        "+:authors: Eric Todd, Millicent L. Li, Arnab Sen Sharma, Aaron Mueller, Byron C. Wallace, David Bau",
        "+:abstract: " + standins.FV_ABSTRACT,
        "+:authors: Mingjie Sun, Xinlei Chen, J. Zico Kolter, Zhuang Liu",
        "+:year: 2024",
        "+:abstract: Some activations are massive.",
        "+:year: 2021",
        "+:venue: EMNLP 2021",
        "+:authors: Jesse Dodge, Maarten Sap",
        "+:abstract: C4 documented.",
        "+:links: C4 <https://arxiv.org/pdf/2104.08758>, DOI <https://doi.org/10.18653/v1/2021.emnlp-main.98>",
    ])
    # a changed line stays where it was; new lines follow the entry's last option line
    assert after.splitlines()[:8] == REFRESH_PAGE.splitlines()[:3] + [
        ":key: 2310.15213", ":venue: ICLR 2024", ":paper: http://arxiv.org/abs/2310.15213",
        ":openreview: https://openreview.net/forum?id=AwyxtyMwaG", ":tags: task vectors"]
    # a year the owner wrote against a venue that is not a preprint is the owner's business
    assert ":venue: ICLR 2024\n:year: 2023\n" in after
    # the owner's words are where they were
    for text in ("The owner's summary, `with code`.", "The owner's notes: $v_t = \\sum_j a_j$.",
                 ":tags: task vectors", ":status: read", "Mine.", "Get website data.", ":tags: data"):
        assert after.count(text) == 1
    data = json.loads(report.read_text(encoding="utf-8"))
    assert first_file(data) == "papers/preprints.md"
    assert data["written"] is True and data["checked"] == 5 and data["unreachable"] == []
    first = data["papers"][0]
    assert first["line"] == 3 and first["changes"][0] == {
        "option": "venue", "old": "Arxiv Oct 2023", "new": "ICLR 2024",
        "sources": ["Semantic Scholar", "DBLP", "OpenReview"]}
    assert data["papers"][1]["disagreements"] and data["papers"][1]["changes"] == []
    # the page still reads as the same entries with the same titles
    assert [entry.title for entry in find_entries(after, page)] == [
        entry.title for entry in find_entries(REFRESH_PAGE, page)]
    # a second run finds nothing more to do, and asks nothing: the cache knows it all
    asked = len(stand.seen)
    capsys.readouterr()
    assert main(["refresh", str(page)]) == 0
    assert len(stand.seen) == asked
    assert "would change 0, 1 where the sources disagree" in capsys.readouterr().out


def first_file(data: dict) -> str:
    return data["papers"][0]["file"]


def test_semantic_scholar_batch_with_its_key(stand, site, monkeypatch):
    monkeypatch.setenv("SEMANTIC_SCHOLAR_API_KEY", "secret-key")
    page = site / "papers" / "preprints.md"
    page.write_text(REFRESH_PAGE, encoding="utf-8")
    assert main(["refresh", str(page)]) == 0
    [seen] = stand.requests("s2")
    assert seen.method == "POST" and seen.path == "/s2/graph/v1/paper/batch"
    assert seen.headers["x-api-key"] == "secret-key"
    assert "venue" in seen.query["fields"][0].split(",")
    assert json.loads(seen.body) == {"ids": ["ARXIV:2310.15213", "ARXIV:2305.00002", "ARXIV:2402.17762",
                                             "ARXIV:2104.08758"]}


def test_sources_subset(stand, site, monkeypatch, capsys):
    page = site / "papers" / "preprints.md"
    page.write_text(REFRESH_PAGE, encoding="utf-8")
    monkeypatch.setenv("PAPERSHELF_SOURCES", "arxiv")
    assert main(["refresh", str(page)]) == 0
    assert {seen.source for seen in stand.seen} == {"arxiv"}
    monkeypatch.setenv("PAPERSHELF_SOURCES", "arxiv,scholar")
    assert main(["refresh", str(page)]) == 2
    assert "PAPERSHELF_SOURCES names scholar" in capsys.readouterr().err


def test_429_is_waited_out_and_5xx_retried(stand, site, capsys):
    page = site / "papers" / "preprints.md"
    page.write_text(REFRESH_PAGE, encoding="utf-8")
    stand.fail["dblp"] = [429]
    stand.retry_after = "1"
    stand.fail["s2"] = [503, 502]
    assert main(["refresh", str(page)]) == 0
    dblp = stand.requests("dblp")
    assert dblp[1].at - dblp[0].at >= 0.9  # Retry-After: 1 honoured
    assert len(stand.requests("s2")) == 3
    assert "ICLR 2024" in capsys.readouterr().out


def test_a_source_that_keeps_failing_changes_nothing(stand, site, capsys):
    page = site / "papers" / "preprints.md"
    page.write_text(REFRESH_PAGE, encoding="utf-8")
    stand.fail["s2"] = [503] * 10
    assert main(["refresh", str(page), "--write"]) == 3
    err = capsys.readouterr().err
    assert "could not reach Semantic Scholar" in err and "HTTP 503 after 4 tries" in err
    assert "Traceback" not in err
    assert page.read_text(encoding="utf-8") == REFRESH_PAGE


def test_arxiv_requests_are_3_seconds_apart_on_one_connection(stand, tmp_path, monkeypatch):
    """The real default spacing, on a tiny run of two requests."""
    monkeypatch.delenv("PAPERSHELF_REQUEST_INTERVAL")
    monkeypatch.setattr(arxiv_api, "BATCH", 1)
    client = PoliteClient("arxiv")
    try:
        records = arxiv_api.fetch(client, Cache(tmp_path / "cache"), ["2402.17762", "2104.08758"])
    finally:
        client.close()
    assert set(records) == {"2402.17762", "2104.08758"}
    first, second = stand.requests("arxiv")
    assert second.at - first.at >= 2.9
    assert first.port == second.port  # the same connection, kept alive


def test_retry_after_as_seconds_or_a_date():
    assert retry_after("7") == 7.0
    assert retry_after("Wed, 02 Dec 2026 00:00:10 GMT", now=1796169600.0) == 10.0
    assert retry_after("soon") is None and retry_after(None) is None


def test_a_broken_cache_is_ignored(stand, site, capsys):
    cache = Path(str(site.parent / "cache"))
    cache.mkdir()
    (cache / "arxiv.json").write_text("{not json", encoding="utf-8")
    page = site / "papers" / "empty.md"
    assert main(["add", "2402.17762", "--to", str(page)]) == 0
    assert "ignoring the cache" in capsys.readouterr().err
    assert "2402.17762" in json.loads((cache / "arxiv.json").read_text(encoding="utf-8"))


# -- page text ---------------------------------------------------------------

def test_entries_in_code_blocks_are_not_entries():
    text = "# T\n\n````markdown\n```{paper} Example in a code block\n```\n````\n\n:::{paper} Colon\n:key: c\n:::\n"
    assert [(entry.title, entry.line) for entry in find_entries(text, Path("p.md"))] == [("Colon", 8)]


def test_option_edits_keep_windows_line_endings():
    text = "# T\r\n\r\n```{paper} A\r\n:key: a\r\n:venue: arXiv\r\n\r\nSummary.\r\n```\r\n"
    [entry] = find_entries(text, Path("p.md"))
    changed = set_options(text, entry, {"venue": "ICLR 2024", "authors": "Ann"})
    assert changed == "# T\r\n\r\n```{paper} A\r\n:key: a\r\n:venue: ICLR 2024\r\n:authors: Ann\r\n\r\nSummary.\r\n```\r\n"
    assert append_entry("# T\r\n", "```{paper} B\n```\n") == "# T\r\n\r\n```{paper} B\r\n```\r\n"


def test_a_doi_only_entry_gets_its_authors_from_crossref(stand, site):
    page = site / "papers" / "doi.md"
    text = ("# DOI\n\n```{paper} On the Dangers of Stochastic Parrots: Can Language Models Be Too Big? 🦜\n"
            ":venue: FAccT 2021\n:paper: https://doi.org/10.1145/3442188.3445922\n```\n")
    page.write_text(text, encoding="utf-8")
    assert main(["refresh", str(page), "--write"]) == 0
    [entry] = find_entries(page.read_text(encoding="utf-8"), page)
    assert entry.options["authors"] == "Emily M. Bender, Timnit Gebru, The Stochastic Parrots Collective"
    assert entry.options["venue"] == "FAccT 2021"  # a venue the owner gave is kept
    [seen] = stand.requests("s2")
    assert json.loads(seen.body) == {"ids": ["DOI:10.1145/3442188.3445922"]}
    assert stand.requests("dblp") == []  # nothing to promote: DBLP is not asked


@pytest.mark.parametrize("source, answer", [
    ("s2", (200, '{"error": "Unrecognized or unsupported fields"}', "application/json")),
    ("dblp", (200, "<html>maintenance</html>", "text/html")),
    ("arxiv", (200, "<feed><entry>", "application/atom+xml")),
])
def test_an_answer_in_an_unknown_shape_changes_nothing(stand, site, capsys, source, answer):
    page = site / "papers" / "preprints.md"
    page.write_text(REFRESH_PAGE, encoding="utf-8")
    stand.odd[source] = [answer]
    assert main(["refresh", str(page), "--write"]) == 3
    err = capsys.readouterr().err
    assert "could not reach" in err and "Traceback" not in err
    assert page.read_text(encoding="utf-8") == REFRESH_PAGE


def test_dblp_requests_are_spaced(stand, site, monkeypatch):
    monkeypatch.setenv("PAPERSHELF_REQUEST_INTERVAL", "0.5")
    page = site / "papers" / "preprints.md"
    page.write_text(REFRESH_PAGE, encoding="utf-8")
    assert main(["refresh", str(page)]) == 0
    times = [seen.at for seen in stand.requests("dblp")]
    assert len(times) == 4  # one title search per preprint
    assert all(later - earlier >= 0.45 for earlier, later in zip(times, times[1:]))
    assert len({seen.port for seen in stand.requests("dblp")}) == 1


def test_add_looks_for_duplicates_in_the_site_folder_given(stand, site, tmp_path, capsys):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "old.md").write_text("```{paper} Old\n:paper: https://arxiv.org/abs/2402.17762v1\n```\n",
                                      encoding="utf-8")
    page = site / "papers" / "empty.md"
    assert main(["add", "2402.17762", "--to", str(page), "--site", str(elsewhere)]) == 1
    assert f"{elsewhere / 'old.md'}:1: already there: Old (arXiv 2402.17762)" in capsys.readouterr().out


def test_venue_verdicts():
    from papershelf.sources import Record
    from papershelf.sources.lookup import venue_verdict

    s2 = Record("s2", venue="International Conference on Learning Representations", year=2023, venue_dated=False)
    dblp = Record("dblp", venue="ICLR", year=2024, extra={"type": "Conference and Workshop Papers"})
    oral = Record("openreview", venue="ICLR 2024 oral", year=2024)
    corr = Record("dblp", venue="CoRR", year=2023, extra={"type": "Informal and Other Publications"})
    submitted = Record("openreview", venue="Submitted to ICLR 2025", year=2024)
    assert venue_verdict([s2, dblp, oral, corr]).venue == "ICLR 2024 Oral"
    # Semantic Scholar names the venue; with no one to date it, its year is used
    assert venue_verdict([s2]).venue == "ICLR 2023"
    assert venue_verdict([corr, submitted]).venue == ""
    assert "disagree" in venue_verdict([dblp, Record("crossref", venue="ICLR", year=2025)]).disagreement


def test_refresh_needs_a_site_or_pages(stand, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["refresh"]) == 2
    assert "no papers/ folder here" in capsys.readouterr().err
    assert stand.seen == []


def test_site_pages_leave_out_builds_and_hidden_folders(tmp_path):
    from papershelf.pagetext import site_pages

    for name in ("a.md", "topic/b.md", "_build/html/c.md", ".cache/d.md", "_drafts/e.md"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("# x\n", encoding="utf-8")
    assert [path.relative_to(tmp_path).as_posix() for path in site_pages(tmp_path)] == [
        "_drafts/e.md", "a.md", "topic/b.md"]
