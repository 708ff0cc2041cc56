"""The papers' search index at scale: its size per paper, and how fast the
search page answers in Chromium.

    python bench/search_bench.py                  # 10,000 papers
    python bench/search_bench.py --papers 1000

The papers are ``bench.py``'s synthetic ones, turned into the rows of a
``papers.json``; the index is built from them as a site build would
(Sphinx's Chinese search language, jieba and the English stemmer).  A small
site is built with Sphinx for its search page, its index replaced by the
large one, and the page opened from disk in Debian's Chromium, as a reader
with a copy of the site would.  Prints a table and writes a JSON report.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(PROJECT / "_ext"))

from bench import generate  # noqa: E402

QUERIES = ["幻觉", "缓解幻觉", "hallucination", "in-context learning", "task vectors steering", "zzznothing"]
STATUSES = ("read", "unread", "skimmed")


def papers_json_rows(count: int, pages: int = 100) -> list[dict]:
    """``bench.py``'s papers as papers.json rows."""

    rows = []
    per_page = -(-count // pages)
    for entry in generate(count):
        page = f"topics/topic-{entry.number // per_page:03d}"
        rows.append({
            "key": entry.arxiv, "title": entry.title,
            "authors": [f"Author {entry.number % 97}", f"Author {entry.number % 89 + 100}"],
            "venue": {"raw": entry.venue, "name": entry.venue.split(" ")[0] if entry.venue else "",
                      "kind": "conference" if entry.venue else "", "extras": []},
            "year": entry.year, "links": {"paper": f"https://arxiv.org/abs/{entry.arxiv}"},
            "arxiv": entry.arxiv, "doi": None, "tags": [], "status": STATUSES[entry.number % 3],
            "rating": [], "summary": entry.summary, "notes": "\n\n".join(entry.notes), "abstract": "",
            "added": f"2024-{entry.number % 12 + 1:02d}-{entry.number % 28 + 1:02d}",
            "locations": [{"page": page, "title": page, "url": f"{page}.html#paper-{entry.arxiv}", "line": 1}],
        })
    return rows


def build_index(rows: list[dict]) -> tuple[str, float]:
    from sphinx.search.zh import SearchChinese

    from papershelf.papersearch import Words
    from papershelf.papersearch import build_index as build

    started = time.perf_counter()
    text = build(rows, Words(SearchChinese({})), "zh")
    return text, time.perf_counter() - started


def search_page(workdir: Path) -> Path:
    """A small site's search page, built with Sphinx."""
    srcdir = workdir / "site"
    shutil.copytree(PROJECT / "tests" / "roots" / "test-site", srcdir)
    with (srcdir / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write('html_search_language = "zh"\n')
    outdir = workdir / "html"
    subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-q", str(srcdir), str(outdir)], check=True)
    return outdir


def measure_page(outdir: Path, repeat: int) -> dict[str, dict[str, float]]:
    from playwright.sync_api import sync_playwright

    results: dict[str, dict[str, float]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                                             args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        for query in QUERIES:
            ready, search, prepare, found = [], [], [], 0
            for _ in range(repeat):
                page = browser.new_page()
                page.goto((outdir / "search.html").as_uri() + "?q=" + quote(query))
                page.wait_for_selector(".ps-search[data-ready]", timeout=120000)
                section = page.locator(".ps-search")
                ready.append(page.evaluate("() => performance.now()"))
                search.append(float(section.get_attribute("data-milliseconds")))
                prepare.append(float(section.get_attribute("data-prepared-in")))
                found = int(page.locator(".ps-search-summary").get_attribute("data-count"))
                page.close()
            results[query] = {"papers found": found, "page ready ms": statistics.median(ready),
                              "search ms": statistics.median(search), "prepare ms": statistics.median(prepare)}
        browser.close()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", default=str(PROJECT / "_build" / "bench" / "search.json"))
    args = parser.parse_args(argv)

    rows = papers_json_rows(args.papers)
    text, seconds = build_index(rows)
    size = len(text.encode("utf-8"))
    papers_json = len(json.dumps(rows, ensure_ascii=False).encode("utf-8"))
    with tempfile.TemporaryDirectory() as temporary:
        outdir = search_page(Path(temporary))
        (outdir / "_static" / "papershelf-search.js").write_text(text, encoding="utf-8")
        import gzip
        gzipped = len(gzip.compress(text.encode("utf-8")))
        page = measure_page(outdir, args.repeat)
    report = {"papers": args.papers, "index bytes": size, "bytes per paper": size / args.papers,
              "gzipped bytes per paper": gzipped / args.papers, "papers.json bytes per paper": papers_json / args.papers,
              "index build s": seconds, "queries": page}
    print(f"{args.papers} papers: index {size / 1e6:.2f} MB, {size / args.papers:.0f} B per paper "
          f"({gzipped / args.papers:.0f} B gzipped; papers.json {papers_json / args.papers:.0f} B per paper), "
          f"built in {seconds:.1f} s")
    print(f"{'query':<24}{'found':>7}{'ready ms':>10}{'prepare ms':>12}{'search ms':>11}")
    for query, numbers in page.items():
        print(f"{query:<24}{numbers['papers found']:>7}{numbers['page ready ms']:>10.0f}"
              f"{numbers['prepare ms']:>12.0f}{numbers['search ms']:>11.0f}")
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
