"""``python -m papershelf import`` on disk: targets checked before writing,
``--force`` replacing exactly the earlier import, the folder added to the
site's toctree, BibTeX sources, and a real build of a hostile list."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import ROOTS, warnings_of
from import_checks import assert_inert, options_and_body, paper_blocks
from papershelf.importer import MANIFEST, parse_bibtex


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "papershelf", "import", *args], capture_output=True, text=True,
                          timeout=120, cwd=cwd)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


LIST = """
    # Group
    ## First Topic
    1. **Alpha Paper** (ICLR 2024) [[paper]](https://arxiv.org/abs/2401.00001)
    ## Second Topic
    1. **Beta Paper**
"""


# -- targets checked before anything is written --------------------------------------

def test_a_report_path_that_is_a_folder_is_refused_before_writing(tmp_path):
    source = write(tmp_path / "list.md", LIST)
    out = tmp_path / "out"
    (tmp_path / "reports").mkdir()
    result = run(str(source), "--out", str(out), "--report", str(tmp_path / "reports"))
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and "Traceback" not in result.stderr
    assert "--report" in result.stderr and "folder" in result.stderr
    assert not out.exists()


def test_an_unwritable_report_is_refused_before_writing(tmp_path, monkeypatch, capsys):
    from papershelf.importer import command

    source = write(tmp_path / "list.md", LIST)
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    # root may write anywhere: the folder is refused as the system would refuse another user
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode: Path(path) != locked and real_access(path, mode))
    args = command_args(source, tmp_path / "out", report=locked / "r.json")
    assert command.run(args) == 1
    error = capsys.readouterr().err
    assert error.startswith("papershelf import: --report ") and "cannot write there" in error
    assert not (tmp_path / "out").exists()


def command_args(source: Path, out: Path, report: Path | None = None):
    import argparse

    from papershelf.importer import add_arguments

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args([str(source), "--out", str(out), *(["--report", str(report)] if report else [])])


@pytest.mark.parametrize("place", ["out-is-a-file", "report-under-a-file", "out-under-a-file"])
def test_paths_blocked_by_a_file_are_refused_before_writing(tmp_path, place):
    source = write(tmp_path / "list.md", LIST)
    blocker = write(tmp_path / "blocker", "not a folder\n")
    out, report = tmp_path / "out", tmp_path / "report.json"
    if place == "out-is-a-file":
        out = blocker
    elif place == "report-under-a-file":
        report = blocker / "report.json"
    else:
        out = blocker / "pages"
    result = run(str(source), "--out", str(out), "--report", str(report))
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert blocker.read_text() == "not a folder\n"
    assert not (tmp_path / "out").exists() and not report.exists()


def test_a_missing_or_undecodable_source_is_one_line(tmp_path):
    result = run(str(tmp_path / "nothing.md"), "--out", str(tmp_path / "out"))
    assert result.returncode == 1 and "nothing.md" in result.stderr and "Traceback" not in result.stderr
    bad = tmp_path / "latin1.md"
    bad.write_bytes("## T\n1. **Caf\xe9**\n".encode("latin-1"))
    result = run(str(bad), "--out", str(tmp_path / "out"))
    assert result.returncode == 1 and "not UTF-8" in result.stderr and "Traceback" not in result.stderr


# -- --force and the manifest ----------------------------------------------------------

def test_force_replaces_the_earlier_import_and_only_it(tmp_path):
    source = write(tmp_path / "list.md", LIST)
    out = tmp_path / "out"
    assert run(str(source), "--out", str(out)).returncode == 0
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["pages"] == ["group/first-topic.md", "group/index.md", "group/second-topic.md", "index.md"]
    # the owner's own file in the folder, and a page of the earlier import
    write(out / "my-notes.md", "# Mine\n")
    # without --force nothing is written over
    again = run(str(source), "--out", str(out))
    assert again.returncode == 1 and "--force" in again.stderr
    # the list changes: a topic is renamed, so its old page must go
    write(source, LIST.replace("Second Topic", "Renamed Topic"))
    result = run(str(source), "--out", str(out), "--force")
    assert result.returncode == 0, result.stderr
    assert "removed 1 pages of the earlier import" in result.stdout
    assert not (out / "group" / "second-topic.md").exists()
    assert (out / "group" / "renamed-topic.md").exists()
    assert (out / "my-notes.md").read_text() == "# Mine\n"
    # a group that is gone leaves no empty folder behind
    write(source, "## Only Topic\n1. **Gamma Paper**\n")
    assert run(str(source), "--out", str(out), "--force").returncode == 0
    assert not (out / "group").exists()
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST, "index.md", "my-notes.md", "only-topic.md"]


def test_a_manifest_cannot_remove_files_outside_its_folder(tmp_path):
    source = write(tmp_path / "list.md", LIST)
    out = tmp_path / "out"
    precious = write(tmp_path / "precious.md", "keep\n")
    write(out / MANIFEST, json.dumps({"pages": ["../precious.md", "/etc/hostname", "index.md", "notes.txt"]}))
    write(out / "notes.txt", "keep too\n")
    assert run(str(source), "--out", str(out), "--force").returncode == 0
    assert precious.read_text() == "keep\n" and (out / "notes.txt").read_text() == "keep too\n"


# -- into the site -----------------------------------------------------------------------

def test_an_import_under_papers_joins_the_toctree_once(tmp_path):
    site = tmp_path / "site"
    index = write(site / "papers" / "index.md", """
        # Papers

        ```{toctree}
        :maxdepth: 2

        older/index
        ```

        After the toctree.
    """)
    source = write(tmp_path / "list.md", LIST)
    result = run(str(source), "--out", "papers/new-list", cwd=site)
    assert result.returncode == 0, result.stderr
    assert "added new-list/index to the toctree of papers/index.md" in result.stdout
    assert "older/index\nnew-list/index\n```\n\nAfter the toctree." in index.read_text(encoding="utf-8")
    again = run(str(source), "--out", "papers/new-list", "--force", cwd=site)
    assert "already in the toctree" in again.stdout
    assert index.read_text(encoding="utf-8").count("new-list/index") == 1


def test_an_import_elsewhere_prints_the_line_to_add(tmp_path):
    site = tmp_path / "site"
    write(site / "conf.py", "")
    source = write(tmp_path / "list.md", LIST)
    result = run(str(source), "--out", "notes/imported", cwd=site)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith(
        "add this line to the toctree of index.md (or of another page): notes/imported/index")


# -- BibTeX ---------------------------------------------------------------------------

BIB = r"""
@string{nips = "Advances in Neural Information Processing Systems"}
@comment{exported by a reference manager}

@inproceedings{vaswani2017attention,
  title     = {Attention Is {All} You Need},
  author    = {Vaswani, Ashish and Shazeer, Noam and Smith, Jr., Ann and M{\"u}ller, Ralf and others},
  booktitle = nips,
  year      = {2017},
  eprint    = {1706.03762},
  archivePrefix = {arXiv},
  keywords  = {transformers; attention},
  abstract  = {The dominant sequence transduction models are based on recurrent networks.},
  note      = {Read twice. <script>alert(1)</script> {eval-rst}`x`},
  dateadded = {2024-03-02T10:00:00Z}
}

@article{broken,
  title = {Missing its closing brace},

@article{doi2019,
  title   = {A Journal Paper with {DNA} in the Title},
  author  = {Doe, Jane},
  journal = {Journal of Things},
  date    = {2019-07},
  doi     = {10.1145/3292500.3330701},
  url     = {https://github.com/owner/repo},
  keywords = {biology}
}

@misc{vaswani2017attention, title = {A second entry with the same key}}

@misc{untitled, author = {Nobody, N.}}
"""


def test_a_bib_file_becomes_a_page_with_everything_it_knows(tmp_path):
    source = write(tmp_path / "refs.bib", BIB)
    out = tmp_path / "out"
    report_path = tmp_path / "report.json"
    result = run(str(source), "--out", str(out), "--report", str(report_path), "--title", "References")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and result.stderr == ""
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert (report["entries"], report["papers"], report["skipped"]) == (5, 2, 3)
    skipped = [(p["line"], p["message"]) for p in report["problems"] if p["kind"] == "skipped"]
    assert [line for line, _ in skipped] == [17, 30, 32]
    assert "Expected a `=` after entry key" in skipped[0][1] or "malformed" in skipped[0][1]
    assert "key of an earlier entry" in skipped[1][1] and "no title" in skipped[2][1]
    page = (out / "references.md").read_text(encoding="utf-8")
    first, second = paper_blocks(page)
    assert first[0] == "Attention Is All You Need"
    options, body = options_and_body(first[1])
    assert options == {
        "key": "1706.03762",
        "authors": "Ashish Vaswani; Noam Shazeer; Ann Smith, Jr.; Ralf Müller",
        "venue": "Advances in Neural Information Processing Systems",
        "year": "2017",
        "paper": "https://arxiv.org/abs/1706.03762",
        "tags": "transformers, attention",
        "abstract": "The dominant sequence transduction models are based on recurrent networks.",
        "added": "2024-03-02",
    }
    assert_inert(body)
    assert "alert(1)" in body
    options, _ = options_and_body(second[1])
    assert second[0] == "A Journal Paper with DNA in the Title"
    assert (options["venue"], options["year"], options["paper"], options["code"], options["tags"]) == (
        "Journal of Things", "2019", "https://doi.org/10.1145/3292500.3330701", "https://github.com/owner/repo",
        "biology")


def test_a_bib_file_split_by_keywords():
    reading_list = parse_bibtex(BIB.lstrip("\n"), "References", split_by="keywords")
    assert [(topic.title, [entry.title for entry in topic.entries()]) for topic in reading_list.topics()] == [
        ("transformers", ["Attention Is All You Need"]), ("biology", ["A Journal Paper with DNA in the Title"])]


def test_a_bib_file_with_nothing_readable_still_reports(tmp_path):
    reading_list = parse_bibtex("@article{x, title = {never closed}\n\n@book{\n", "Refs")
    assert reading_list.entries_seen == 2 == sum(1 for p in reading_list.problems if p.kind == "skipped")
    assert [p.line for p in reading_list.problems] == [1, 3]


# -- a real build of a hostile list ------------------------------------------------------

HOSTILE = """
    ## Topic <script>alert("heading")</script>

    1. **Include** notes
       ```{include} ../../secret.txt
       ```
    2. **Literal** notes
       ```{literalinclude} ../../secret.txt
       ```
    3. **Image** ![leak](../../secret.txt) and [download](../../secret.txt) <script>alert("item")</script>
    4. **Raw** {raw}`html <script>alert("role")</script>`
    5. **Backticks ``` in the title** a note
    6. **After the backticks** still a paper
"""


def test_a_hostile_list_builds_into_text(make_app, tmp_path):
    srcdir = tmp_path / "site"
    srcdir.mkdir()
    for name in ("conf.py",):
        (srcdir / name).write_text((ROOTS / "test-basic" / name).read_text(encoding="utf-8"), encoding="utf-8")
    write(srcdir / "index.md", "# Site\n\n```{toctree}\npapers/index\n```\n")
    index = write(srcdir / "papers" / "index.md", "# Papers\n\n```{toctree}\n:maxdepth: 2\n```\n")
    secret = "CANARY-" + "7f3a9c"
    write(srcdir / "secret.txt", secret + "\n")
    source = write(tmp_path / "hostile.md", HOSTILE)
    result = run(str(source), "--out", "papers/hostile", cwd=srcdir)
    assert result.returncode == 0, result.stderr
    assert index.read_text(encoding="utf-8") == "# Papers\n\n```{toctree}\n:maxdepth: 2\n\nhostile/index\n```\n"
    app = make_app("html", srcdir=srcdir, builddir=tmp_path / "build", freshenv=True)
    app.build()
    assert [w for w in warnings_of(app) if "toctree" in w] == []
    outdir = Path(app.outdir)
    texts = {path: path.read_bytes() for path in outdir.rglob("*") if path.is_file()}
    assert not [path for path, data in texts.items() if secret.encode() in data]
    assert not [path for path in texts if path.name == "secret.txt"]
    papers_json = json.loads((outdir / "papers.json").read_text(encoding="utf-8"))
    titles = sorted(paper["title"] for paper in (papers_json["papers"] if isinstance(papers_json, dict)
                                                 else papers_json))
    assert titles == sorted(["Include", "Literal", "Image", "Raw", "Backticks ``` in the title",
                             "After the backticks"])
    page = next(outdir.rglob("topic-*.html")).read_text(encoding="utf-8")
    assert "<script>alert(" not in page
    assert "&lt;script&gt;alert(" in page and "../../secret.txt" in page


def test_bibtex_names_are_split_before_their_latex_is_decoded(tmp_path):
    from papershelf.importer import bibtex

    source = tmp_path / "refs.bib"
    source.write_text("@article{a, author = {Smith, John and {Tom and Jerry} and M{\\\"u}ller, J{\\\"o}rg},\n"
                      "  title = {T\\\"ur {GPT}}, journal = {TMLR}, year = {2024}}\n"
                      "@article{b, author = {Ann Lee}, title = {\\href{https://x.org}{Linked} title}, year = {2023}}\n",
                      encoding="utf-8")
    reading_list = bibtex.BibtexReader(source.read_text(encoding="utf-8"), "Refs").read()
    entries = {entry.title: entry for entry in reading_list.entries()}
    assert entries["Tür GPT"].authors == ["John Smith", "Tom and Jerry", "Jörg Müller"]
    # a field the LaTeX decoder cannot read costs only its own decoding, not the entry
    assert len(entries) == 2 and not [p for p in reading_list.problems if p.kind == "skipped"]
