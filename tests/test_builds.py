"""Parallel and incremental builds give the same pages a full serial build gives."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from conftest import copy_root, edit, outputs, rebuilder, search_index, snapshot, warnings_of, written


def test_parallel_build_is_byte_identical(make_apps, tmp_path):
    srcdir = copy_root(tmp_path, "site")
    serial = make_apps("html", srcdir=srcdir, builddir=tmp_path / "serial", freshenv=True)
    serial.build()
    parallel = make_apps("html", srcdir=srcdir, builddir=tmp_path / "parallel", freshenv=True,
                        parallel=2)
    parallel.build()
    assert warnings_of(serial) == warnings_of(parallel) == []
    one, two = outputs(Path(serial.outdir)), outputs(Path(parallel.outdir))
    assert len(one) >= 10
    assert one.keys() == two.keys()
    assert [name for name in one if one[name] != two[name]] == []
    # the workers' domain data was merged, every paper once
    papers = parallel.env.domains["paper"].entries
    assert sum(len(on_page) for on_page in papers.values()) == 24


#: The page Sphinx itself rewrites when hallucination.md changes: its parent
#: in the toctree.
PARENT = "index"


@pytest.fixture
def site(make_apps, tmp_path):
    srcdir = copy_root(tmp_path, "site")
    build = rebuilder(make_apps, srcdir)
    first = build()
    assert warnings_of(first) == []
    return srcdir, Path(first.outdir), build


def test_noop_rebuild_writes_nothing(site):
    srcdir, outdir, build = site
    before = snapshot(outdir)
    app = build()
    assert written(outdir, before) == set()
    assert warnings_of(app) == []


def test_deleted_entry_leaves_no_stale_reference(site):
    srcdir, outdir, build = site
    # efficiency.md refers to 2402.00000, the first paper of hallucination.md
    page = srcdir / "hallucination.md"
    text = page.read_text(encoding="utf-8")
    start = text.index("```{paper} Hallucination paper 0")
    end = text.index("```{paper} Hallucination paper 1")
    page.write_text(text[:start] + text[end:], encoding="utf-8")
    later = page.stat().st_mtime + 5
    os.utime(page, (later, later))
    before = snapshot(outdir)

    app = build()
    # the referring page is written again though its source did not change;
    # pages unrelated to the change are not
    assert written(outdir, before) == {"hallucination", "efficiency", PARENT}
    html = (outdir / "efficiency.html").read_text(encoding="utf-8")
    assert "paper-2402.00000" not in html
    assert "Hallucination paper 0" not in (outdir / "hallucination.html").read_text(encoding="utf-8")
    warnings = warnings_of(app)
    assert len(warnings) == 1
    assert re.search(r"efficiency\.md:\d+: WARNING: no paper with key '2402.00000' \[papershelf\.ref\]",
                     warnings[0])
    assert app.env.domains["paper"].lookup("2402.00000") is None


def test_changed_key_and_title_reach_the_referring_page(site):
    srcdir, outdir, build = site
    edit(srcdir / "hallucination.md", "Hallucination paper 1: a study",
         "Renamed paper 1: a study")
    edit(srcdir / "hallucination.md", ":paper: https://arxiv.org/abs/2402.00000",
         ":key: hallucination-survey\n:paper: https://example.org/h0")
    before = snapshot(outdir)

    app = build()
    assert written(outdir, before) == {"hallucination", "efficiency", PARENT}
    efficiency = (outdir / "efficiency.html").read_text(encoding="utf-8")
    # the old key no longer resolves; the page says so and shows no dead link
    assert 'href="hallucination.html#paper-2402.00000"' not in efficiency
    assert any("no paper with key '2402.00000'" in line and "efficiency.md" in line
               for line in warnings_of(app))
    # the renamed paper's new title reaches the page that refers to it
    assert "Renamed paper 1: a study" in efficiency
    assert 'href="hallucination.html#paper-2402.00001"' in efficiency
    assert "paper-hallucination-survey" in (outdir / "hallucination.html").read_text(encoding="utf-8")


def test_deleted_page_takes_its_papers_along(site):
    srcdir, outdir, build = site
    (srcdir / "hallucination.md").unlink()
    edit(srcdir / "index.md", "hallucination\n", "")
    app = build()
    domain = app.env.domains["paper"]
    assert "hallucination" not in domain.entries
    assert domain.lookup("2402.00001") is None
    efficiency = (outdir / "efficiency.html").read_text(encoding="utf-8")
    assert "hallucination.html#paper-" not in efficiency
    assert "no paper with key '2402.00001'" in "\n".join(warnings_of(app))


def test_incremental_build_after_topic_changes_equals_a_clean_build(site, make_apps, tmp_path):
    """Topics come and go: a page added, one removed, one moved in the
    toctree, one retitled.  Every page's sidebar and "next"/"previous" links
    show the tree, so the incremental build must give what a clean build gives,
    page by page, and the removed page's output must not linger."""
    srcdir, outdir, build = site
    (srcdir / "new-topic.md").write_text(
        "# New topic\n\n```{paper} A paper on a new topic\n:venue: ICLR 2024\n:added: 2026-11-30\n```\n",
        encoding="utf-8")
    (srcdir / "interpretability.md").unlink()
    edit(srcdir / "index.md", "alignment\nreasoning\n", "new-topic\nreasoning\nalignment\n")
    edit(srcdir / "index.md", "interpretability\n", "")
    edit(srcdir / "evaluation.md", "# Evaluation", "# Evaluation and benchmarks")
    # Sphinx keeps the checksum of each static file for the life of the
    # process; `make html` starts a new one for every build, so this test does too
    from sphinx.builders.html import _assets

    getattr(_assets._file_checksum_inner, "cache_clear", lambda: None)()
    incremental = build()

    clean = make_apps("html", srcdir=srcdir, builddir=tmp_path / "clean", freshenv=True)
    clean.build()
    assert warnings_of(incremental) == warnings_of(clean)
    after, expected = outputs(Path(incremental.outdir)), outputs(Path(clean.outdir))
    assert "interpretability.html" not in after
    # nor does its feed, and every feed is what a clean build writes
    feeds_after = {str(p.relative_to(outdir)): p.read_bytes() for p in outdir.rglob("*.atom")}
    feeds_clean = {str(p.relative_to(clean.outdir)): p.read_bytes() for p in Path(clean.outdir).rglob("*.atom")}
    assert "interpretability.atom" not in feeds_after
    assert feeds_after == feeds_clean
    assert not (outdir / "_sources" / "interpretability.md.txt").exists()
    assert after.keys() == expected.keys()
    # Sphinx's search index keeps a word of a removed page with no pages
    # ("interpret": []); that is the same index, so compare it as data
    index_after, index_expected = (search_index(Path(app.outdir)) for app in (incremental, clean))
    for index in (index_after, index_expected):
        for table in ("terms", "titleterms"):
            index[table] = {word: pages for word, pages in index[table].items() if pages != []}
    assert index_after == index_expected
    assert [name for name in after if after[name] != expected[name] and name != "searchindex.js"] == []
    # and the pages really show the change
    alignment = (outdir / "alignment.html").read_text(encoding="utf-8")
    assert "New topic" in alignment and "Evaluation and benchmarks" in alignment
    assert "interpretability.html" not in alignment


@pytest.mark.parametrize("parallel", [0, 2])
def test_a_file_that_is_not_utf8_is_named_and_the_rest_builds(make_apps, tmp_path, parallel):
    srcdir = copy_root(tmp_path, "basic")
    (srcdir / "latin.md").write_bytes("# Latin\n\nA caf\u00e9 na\u00efve note.\n".encode("latin-1"))
    edit(srcdir / "index.md", "other\n", "other\nlatin\n")
    app = make_apps("html", srcdir=srcdir, freshenv=True, parallel=parallel)
    app.build()
    warnings = warnings_of(app)
    assert any(re.search(r"latin\.md:3: WARNING: this file is not UTF-8 \(byte 0xe9 cannot be read\).*"
                         r"\[papershelf\.encoding\]", line) for line in warnings), warnings
    assert (Path(app.outdir) / "other.html").is_file()
    assert not (Path(app.outdir) / "latin.html").exists()
    # the next build says it again, and still builds
    again = make_apps("html", srcdir=srcdir, parallel=parallel)
    again.build()
    assert any("papershelf.encoding" in line for line in warnings_of(again))


def test_a_build_gives_back_what_it_froze(make_apps, tmp_path):
    """Long-lived objects are kept from the garbage collector during a build,
    and its youngest generation is collected less often (see
    papershelf.collector); both are given back when the build ends, also when
    it ends in an error, so that nothing a build made outlives it."""
    import gc

    from sphinx.errors import ExtensionError

    from papershelf.collector import YOUNG_THRESHOLD

    before, thresholds = gc.get_freeze_count(), gc.get_threshold()
    during = []

    def look(app, env):
        during.append((gc.get_freeze_count(), gc.get_threshold()))

    srcdir = copy_root(tmp_path, "basic")
    app = make_apps("html", srcdir=srcdir, freshenv=True)
    app.connect("env-updated", look, priority=950)
    app.build()
    assert during[0][0] > before and during[0][1][0] == max(thresholds[0], YOUNG_THRESHOLD)
    assert (gc.get_freeze_count(), gc.get_threshold()) == (before, thresholds)
    (srcdir / "broken.md").write_text("# Broken\n\n```{paper} Broken\n:year: 2024\n```\n", encoding="utf-8")
    app = make_apps("html", srcdir=srcdir)
    app.connect("env-updated", lambda app, env: (_ for _ in ()).throw(RuntimeError("stop")), priority=950)
    with pytest.raises(ExtensionError, match="stop"):
        app.build()
    assert (gc.get_freeze_count(), gc.get_threshold()) == (before, thresholds)
    # the owner can leave the collector alone
    app = make_apps("html", srcdir=srcdir, freshenv=True, confoverrides={"papershelf_tune_gc": False})
    app.connect("env-updated", look, priority=950)
    app.build()
    assert during[-1] == (before, thresholds)


def test_a_build_that_never_finished_is_given_back_by_the_next(make_apps, tmp_path):
    """An application made but never built (or a build stopped by Ctrl-C)
    gives the collector back when the next one starts; one that leaves the
    collector alone does not end the tuning of another."""
    import gc

    before, thresholds = gc.get_freeze_count(), gc.get_threshold()
    srcdir = copy_root(tmp_path, "basic")
    make_apps("html", srcdir=srcdir, freshenv=True)   # never built
    assert gc.get_freeze_count() > before
    app = make_apps("html", srcdir=srcdir, freshenv=True)
    app.build()
    assert (gc.get_freeze_count(), gc.get_threshold()) == (before, thresholds)


@pytest.mark.parametrize("setting", ["frozen", "threshold 0", "disabled"])
def test_the_owners_own_collector_settings_are_kept(make_apps, tmp_path, setting):
    """Objects someone else froze stay frozen (nothing is frozen, so that
    nothing needs unfreezing); a collector the owner switched off stays off."""
    import gc

    srcdir = copy_root(tmp_path, "basic")
    thresholds, enabled = gc.get_threshold(), gc.isenabled()
    ballast = [[index] for index in range(1000)]
    during = []
    try:
        if setting == "frozen":
            gc.freeze()
        elif setting == "threshold 0":
            gc.set_threshold(0)
        else:
            gc.disable()
        before = (gc.get_freeze_count(), gc.get_threshold(), gc.isenabled())
        app = make_apps("html", srcdir=srcdir, freshenv=True)
        app.connect("env-updated", lambda app, env: during.append(
            (gc.get_freeze_count(), gc.get_threshold(), gc.isenabled())), priority=950)
        app.build()
        if setting == "frozen":
            # theirs stay frozen (some may have been freed), nothing is added;
            # the threshold is still raised, and given back
            (frozen, raised, _), = during
            assert 0 < frozen <= before[0] and raised[0] > before[1][0]
            assert 0 < gc.get_freeze_count() <= before[0] and gc.get_threshold() == before[1]
        else:
            assert during == [before]
            assert (gc.get_freeze_count(), gc.get_threshold(), gc.isenabled()) == before
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
        if enabled:
            gc.enable()
    assert ballast


EXIT_PROBE = """
import gc, sys
from sphinx.application import Sphinx

class Finalized:
    def __del__(self):
        sys.stdout.write("finalized\\n")

srcdir, outdir, doctrees, build, tuned = sys.argv[1:]
ring = Finalized()
ring.self = ring               # only the cyclic collector can free it
holder = [ring]
del ring
app = Sphinx(srcdir, srcdir, outdir, doctrees, "html", status=None, warning=None, freshenv=True,
             confoverrides={"papershelf_tune_gc": tuned == "tuned"})
if build == "built":
    app.build()
holder.clear()                 # garbage now, alive (and frozen) when the build began
gc.disable()                   # nothing collects it before the exit does
sys.stdout.write("done\\n")
"""


@pytest.mark.parametrize("build,tuned", [("built", "tuned"), ("never built", "tuned"), ("built", "untuned")])
def test_the_exit_finalizes_what_a_build_left(tmp_path, build, tuned):
    """Whatever became of the build (finished, or never started, as after
    Ctrl-C), the process's exit collects and finalizes what is left as
    Python always does: a file a conf.py left open is flushed, a temporary
    file is removed."""
    import subprocess
    import sys

    srcdir = copy_root(tmp_path, "basic")
    args = [str(srcdir), str(tmp_path / "out"), str(tmp_path / "doctrees"), build, tuned]
    result = subprocess.run([sys.executable, "-c", EXIT_PROBE, *args], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["done", "finalized"]


def test_what_a_build_derived_is_let_go_once_written(make_apps, tmp_path):
    """The catalogue and view models are released when every file is
    written (so that reference counting frees them, not the exit), and made
    again when asked for."""
    srcdir = copy_root(tmp_path, "site")
    app = make_apps("html", srcdir=srcdir, freshenv=True)
    seen = []
    app.connect("build-finished", lambda app, exc: seen.append(app.env.domains["paper"].made_views()), priority=700)
    app.build()
    domain = app.env.domains["paper"]
    assert seen[0] is not None and domain.made_views() is None
    assert len(domain.views().catalog.papers) == len(seen[0].catalog.papers) > 0


def test_a_notes_edit_makes_anew_only_the_parts_of_the_page_read_again(site, make_apps, tmp_path, monkeypatch):
    """A rebuild after one edit takes each paper's BibTeX entry, papers.json
    line and search row from the last build, but for the papers of the page
    it read again; what it writes is what a clean build writes.  The saved
    environment holds each page's entries unread until asked for."""
    import pickle

    from papershelf import exports, papersearch
    from papershelf.domain import PageEntries

    srcdir, outdir, build = site
    made: dict[str, list[str]] = {"bib": [], "json": [], "row": []}
    real_bib, real_line, real_row = exports.write_bibtex, exports.paper_line, papersearch.paper_row
    monkeypatch.setattr(exports, "write_bibtex", lambda *a: made["bib"].append(a[1]) or real_bib(*a))
    monkeypatch.setattr(exports, "paper_line", lambda p: made["json"].append(p["key"]) or real_line(p))
    monkeypatch.setattr(papersearch, "paper_row", lambda p: made["row"].append(p["key"]) or real_row(p))
    edit(srcdir / "hallucination.md", "Summary of hallucination paper 0, 中文摘要。",
         "Summary of hallucination paper 0, read again, 中文摘要。")
    # Sphinx keeps static files' checksums for the life of the process (see above)
    from sphinx.builders.html import _assets

    getattr(_assets._file_checksum_inner, "cache_clear", lambda: None)()
    incremental = build()
    on_page = ["2402.00000", "2402.00001", "2402.00002"]
    assert {name: sorted(keys) for name, keys in made.items()} == {"bib": on_page, "json": on_page, "row": on_page}
    assert "read again" in (outdir / "papers.json").read_text(encoding="utf-8")
    assert "read again" in (outdir / papersearch.INDEX_FILE).read_text(encoding="utf-8")

    clean = make_apps("html", srcdir=srcdir, builddir=tmp_path / "clean", freshenv=True)
    clean.build()
    assert outputs(outdir) == outputs(Path(clean.outdir))
    assert (outdir / papersearch.INDEX_FILE).read_bytes() == (Path(clean.outdir) / papersearch.INDEX_FILE).read_bytes()

    with (Path(incremental.doctreedir) / "environment.pickle").open("rb") as handle:
        pages = pickle.load(handle).domaindata["paper"]["entries"]
    assert pages and all(isinstance(page, PageEntries) and page._entries is None for page in pages.values())


@pytest.mark.parametrize("setting", ['html_link_suffix = ""', 'html_search_language = "de"',
                                     'html_file_suffix = ".htm"'])
@pytest.mark.parametrize("and_an_edit", [False, True])
def test_a_setting_the_exports_show_makes_them_again(site, make_apps, tmp_path, setting, and_an_edit):
    """The addresses and the search language are in papers.json, the paper
    search index and the feeds: a change to one of them, with no page read
    or with one, gives what a clean build gives, kept parts or not."""
    from papershelf import papersearch

    srcdir, outdir, build = site
    with (srcdir / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write(f"\n{setting}\n")
    later = (srcdir / "conf.py").stat().st_mtime + 5
    os.utime(srcdir / "conf.py", (later, later))
    if and_an_edit:
        edit(srcdir / "hallucination.md", "Summary of hallucination paper 0, 中文摘要。",
             "Summary of hallucination paper 0, again, 中文摘要。")
    from sphinx.builders.html import _assets

    getattr(_assets._file_checksum_inner, "cache_clear", lambda: None)()
    build()
    clean = make_apps("html", srcdir=srcdir, builddir=tmp_path / "clean", freshenv=True)
    clean.build()
    made = [papersearch.INDEX_FILE, "papers.json", "papers.bib",
            *(str(path.relative_to(clean.outdir)) for path in Path(clean.outdir).rglob("*.atom"))]
    assert {name: (outdir / name).read_bytes() for name in made} == \
        {name: (Path(clean.outdir) / name).read_bytes() for name in made}
