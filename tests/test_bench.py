"""The benchmark's generator and measuring code, run at a tiny size so that
``make bench`` cannot rot.  Nothing here asserts a time."""

from __future__ import annotations

import importlib.util
import sys

import pytest

from conftest import PROJECT


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench", PROJECT / "bench" / "bench.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench"] = module
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop("bench", None)


def test_generator_is_stable_and_realistic(bench):
    first, second = bench.generate(40), bench.generate(40)
    assert first == second
    assert len({entry.arxiv for entry in first}) == 40
    assert any("$" in note for entry in first for note in entry.notes)
    assert any("。" in entry.summary for entry in first)


def test_the_three_styles_hold_the_same_papers(bench, tmp_path):
    entries = bench.generate(30)
    for style in bench.STYLES:
        root = bench.write_site(tmp_path / style, style, entries, pages=3)
        text = "".join(path.read_text(encoding="utf-8") for path in (root / "topics").glob("*.md"))
        assert all(entry.title in text for entry in entries), style
    baseline = (tmp_path / "baseline" / "topics" / "topic-000.md").read_text(encoding="utf-8")
    assert "{bdg-" in baseline and ":::{dropdown} Notes" in baseline


def test_measurements_at_a_tiny_size(bench, tmp_path):
    result = bench.measure_builds(tmp_path, papers=12, pages=2, repeat=1)
    assert set(result["full_build_seconds"]) == set(bench.STYLES)
    assert result["ratio_to_baseline"] > 0 and result["parallel_ratio"] > 0
    # editing one paper's notes reads that page again and writes it and its
    # toctree parent, nothing else
    assert result["notes_edit_reread"] == 1
    assert result["notes_edit_written"] == ["index.html", "topics/topic-000.html"]
    assert result["env_bytes_per_paper"] > 0 and result["html_bytes_per_paper"] > 0
    table = bench.table([result], None)
    assert "Papershelf / baseline" in table and "12 papers" in table


def test_linkcheck_measurement_at_a_tiny_size(bench, tmp_path):
    result = bench.measure_linkcheck(tmp_path, links=8, hosts=2, latency=0.001)
    assert result["cold_requests"] == 8
    assert result["cached_requests"] == 0
