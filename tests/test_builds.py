"""Parallel and incremental builds give the same pages a full serial build gives."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from conftest import copy_root, edit, outputs, rebuilder, snapshot, warnings_of, written


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
