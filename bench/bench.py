"""Build cost of a Papershelf site against the same papers written by hand,
and against the same papers in sphinx-needs.

    python bench/bench.py                # 1,000, 2,000 and 10,000 papers
    python bench/bench.py --quick        # 1,000 papers only: a few minutes
    python bench/bench.py --papers 2000 --pages 20 --repeat 3
    python bench/bench.py --profile 2000 # one build under cProfile, by package

Every measurement is a ratio taken in one run, so that a busy machine slows
both sides alike: the Papershelf site against the same content written by hand
as plain MyST with sphinx-design badges and dropdowns (the baseline), and
against plain list items with the same words and links but no badges and no
collapsible notes (the floor); the Papershelf site with its index pages (by
year, by venue) against the same papers as sphinx-needs objects with one
``needtable`` per index group (the peer); rebuilds against the full build;
``-j 2`` against ``-j 1``; linkcheck with its cache against without.  Builds
run as separate ``sphinx-build`` processes; their order alternates between
repeats.  Builds are compared by their processor time (user and system) as
the kernel counts it for the ``sphinx-build`` process, which time the machine
spends on other work does not inflate; wall-clock times are reported too,
``-j 2`` against ``-j 1`` is compared by wall-clock time.  The time from saving
a page to its HTML being rewritten under
sphinx-autobuild (``make livehtml``) is measured too.  The table is printed and
a JSON report is written (``--json``, default ``_build/bench/report.json``).
The synthetic sites are written by ``synthetic.py``.
"""

from __future__ import annotations

import argparse
import http.server
import importlib.util
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import livehtml  # noqa: E402
from synthetic import CORE_STYLES, STYLES, generate, render, write_site  # noqa: E402

# what the site aims at (upper bounds): the full build's ratios at every size,
# the rebuilds' from INCREMENTAL_AT papers up (below, the fixed cost of a
# sphinx-build run is most of a rebuild)
TARGETS = {"ratio_to_baseline": 0.70, "ratio_to_plain": 1.20, "noop_ratio": 0.05, "notes_edit_ratio": 0.10}
INCREMENTAL_TARGETS = ("noop_ratio", "notes_edit_ratio")
INCREMENTAL_AT = 10_000


DEFAULT_SIZES = (1000, 2000, 10000)


def target_applies(key: str, papers: int) -> bool:
    return key not in INCREMENTAL_TARGETS or papers >= INCREMENTAL_AT


def peer_available() -> bool:
    """sphinx-needs is installed only in the benchmark's own virtualenv."""
    return importlib.util.find_spec("sphinx_needs") is not None


# -- running builds -------------------------------------------------------------------

@dataclass
class Run:
    seconds: float
    peak_mb: float
    output: str
    #: the process's own processor time (user and system): what full builds
    #: are compared by, since time the machine gave to other work is not in it
    cpu: float = 0.0


def sphinx(srcdir: Path, builder: str = "html", jobs: int = 1, fresh: bool = False,
           outdir: Path | None = None) -> Run:
    """One ``sphinx-build`` process; its time and its own peak memory."""
    command = [sys.executable, "-m", "sphinx", "-b", builder, str(srcdir),
               str(outdir or srcdir / "_build" / builder), "-d", str(srcdir / "_build" / ".doctrees")]
    if jobs > 1:
        command += ["-j", str(jobs)]
    if fresh:
        command.append("-E")
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = process.stdout.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        raise RuntimeError(f"sphinx-build failed ({process.returncode}):\n{output[-3000:]}")
    return Run(seconds, usage.ru_maxrss / 1024, output, usage.ru_utime + usage.ru_stime)


def written_pages(outdir: Path, before: dict[str, int]) -> list[str]:
    return sorted(str(path.relative_to(outdir)) for path in outdir.rglob("*.html")
                  if before.get(str(path)) != path.stat().st_mtime_ns
                  and path.stem not in ("genindex", "search"))


def mtimes(outdir: Path) -> dict[str, int]:
    return {str(path): path.stat().st_mtime_ns for path in outdir.rglob("*.html")}


def touch_edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    if old not in text:
        raise ValueError(f"{old!r} not in {path}")
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    later = time.time() + 2
    os.utime(path, (later, later))


# -- the measurements ------------------------------------------------------------------

def measure_builds(workdir: Path, papers: int, pages: int, repeat: int, styles: tuple[str, ...] | None = None,
                   live_edits: int = 3) -> dict[str, object]:
    """Every measure of one size.  ``styles`` defaults to all five when
    sphinx-needs is installed, else to the three that need only the site's
    requirements; ``live_edits`` saves are timed under sphinx-autobuild when
    it is installed (0: not measured)."""
    styles = styles or (STYLES if peer_available() else CORE_STYLES)
    entries = generate(papers)
    sites = {style: write_site(workdir / style, style, entries, pages) for style in styles}
    times: dict[str, list[float]] = {style: [] for style in styles}
    walls: dict[str, list[float]] = {style: [] for style in styles}
    peaks: dict[str, float] = {}
    for round_ in range(repeat):
        order = styles if round_ % 2 == 0 else tuple(reversed(styles))
        for style in order:
            shutil.rmtree(sites[style] / "_build", ignore_errors=True)
            run = sphinx(sites[style], fresh=True)
            times[style].append(run.cpu)
            walls[style].append(run.seconds)
            peaks[style] = max(peaks.get(style, 0.0), run.peak_mb)
    full = {style: statistics.median(values) for style, values in times.items()}

    def paired(ours: str, theirs: str) -> float | None:
        """The median of the per-round ratios: both builds of a round ran
        back to back, on the same machine load."""
        if ours not in times or theirs not in times:
            return None
        return statistics.median(a / b for a, b in zip(times[ours], times[theirs]))

    site = sites["papershelf"]
    outdir = site / "_build" / "html"
    first_page = site / "topics" / "topic-000.md"
    entry = entries[0]
    # the median of several no-op rebuilds and notes edits: one rebuild of a
    # few seconds moves by more than the margin its target leaves
    noops: list[float] = []
    edits: list[float] = []
    notes_text = entry.summary
    for round_ in range(max(1, repeat)):
        noops.append(sphinx(site).cpu)
    # (after the no-ops: an edited page's time lies ahead, so the rebuild
    # right after an edit reads it again)
    for round_ in range(max(1, repeat)):
        before = mtimes(outdir)
        edited = f"{entry.summary} 又读了{round_ + 1}遍。"
        touch_edit(first_page, notes_text, edited)
        notes_text = edited
        notes = sphinx(site)
        edits.append(notes.cpu)
        if round_ == 0:
            notes_written = written_pages(outdir, before)
            notes_read = _reread(notes.output)
    noop_cpu, notes_cpu = statistics.median(noops), statistics.median(edits)
    before = mtimes(outdir)
    # the year of the first paper, wherever it is written
    old_line = f":venue: {entry.venue}\n" if entry.venue else f":year: {entry.year}\n"
    new_line = re.sub(r"\d{4}", lambda m: str(int(m.group(0)) - 1), old_line, count=1) \
        if re.search(r"\d{4}", old_line) else old_line + f":year: {entry.year - 1}\n"
    touch_edit(first_page, old_line, new_line)
    year = sphinx(site)
    year_written = written_pages(outdir, before)

    parallel_times, serial_times = [], []
    for round_ in range(max(1, repeat)):
        for jobs in ((1, 2) if round_ % 2 == 0 else (2, 1)):
            shutil.rmtree(site / "_build", ignore_errors=True)
            (serial_times if jobs == 1 else parallel_times).append(sphinx(site, jobs=jobs, fresh=True).seconds)
    shutil.rmtree(site / "_build", ignore_errors=True)
    sphinx(site, fresh=True)
    env_size = (site / "_build" / ".doctrees" / "environment.pickle").stat().st_size
    html_size = sum(path.stat().st_size for path in (outdir / "topics").glob("*.html"))
    baseline_html = sum(path.stat().st_size for path in (sites["baseline"] / "_build" / "html" / "topics").glob("*.html"))
    live = None
    if live_edits and livehtml.available():
        # on the site just built, as a writer finds it after `make html`
        live = livehtml.measure_livehtml(site, "topics/topic-000", entry.summary, edits=live_edits)
    result = {
        "papers": papers, "pages": pages, "repeat": repeat, "styles": list(styles),
        "full_build_seconds": full,
        "full_build_wall_seconds": {style: statistics.median(values) for style, values in walls.items()},
        "full_build_samples": times, "noop_samples": noops, "notes_edit_samples": edits,
        "ratio_to_baseline": paired("papershelf", "baseline"),
        "ratio_to_plain": paired("papershelf", "plain"),
        "ratio_to_needs": paired("papershelf_indexes", "needs"),
        "index_pages_ratio": paired("papershelf_indexes", "papershelf"),
        "noop_seconds": noop_cpu, "noop_ratio": noop_cpu / full["papershelf"],
        "notes_edit_seconds": notes_cpu, "notes_edit_ratio": notes_cpu / full["papershelf"],
        "notes_edit_reread": notes_read, "notes_edit_written": notes_written,
        "year_edit_seconds": year.cpu, "year_edit_ratio": year.cpu / full["papershelf"],
        "year_edit_written": len(year_written),
        "livehtml_save_to_page_seconds": live["save_to_page_seconds"] if live else None,
        "livehtml_samples": live["samples"] if live else None,
        "parallel_ratio": statistics.median(p / s for p, s in zip(parallel_times, serial_times)),
        "env_bytes_per_paper": env_size / papers,
        "html_bytes_per_paper": html_size / papers,
        "baseline_html_bytes_per_paper": baseline_html / papers,
        "peak_memory_mb": peaks,
    }
    result["targets"] = TARGETS
    result["meets_targets"] = {key: result[key] <= bound for key, bound in TARGETS.items()
                               if target_applies(key, papers)}
    return result


def _reread(output: str) -> int | None:
    """How many sources Sphinx read, from its "N added, M changed" line."""
    match = re.search(r"(\d+) added, (\d+) changed, (\d+) removed", output)
    return int(match.group(1)) + int(match.group(2)) if match else None


class _SlowHandler(http.server.BaseHTTPRequestHandler):
    latency = 0.010
    protocol_version = "HTTP/1.1"

    def do_HEAD(self):  # noqa: N802
        time.sleep(self.latency)
        self.server.requests += 1
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_HEAD

    def log_message(self, *args):
        pass


def measure_linkcheck(workdir: Path, links: int, hosts: int, latency: float) -> dict[str, object]:
    """linkcheck of ``links`` unique links over ``hosts`` local servers that
    answer after ``latency`` seconds: without the cache, then with it."""
    servers = []
    for _ in range(hosts):
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _SlowHandler)
        server.daemon_threads = True
        server.requests = 0
        _SlowHandler.latency = latency
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    try:
        entries = generate(links // 2)
        root = workdir / "linkcheck"
        if root.exists():
            shutil.rmtree(root)
        pages = max(1, len(entries) // 50)
        root.mkdir(parents=True)
        sites = []
        for index, server in enumerate(servers):
            part = entries[index::hosts]
            sites.append((part, f"http://127.0.0.1:{server.server_address[1]}"))
        (root / "topics").mkdir()
        (root / "conf.py").write_text(
            'extensions = ["myst_parser", "papershelf"]\nexclude_patterns = ["_build"]\n'
            'linkcheck_workers = 10\nlinkcheck_timeout = 10\nlinkcheck_anchors = False\n', encoding="utf-8")
        names = []
        for index, (part, base) in enumerate(sites):
            name = f"topics/host-{index:02d}"
            names.append(name)
            (root / f"{name}.md").write_text(f"# Host {index}\n\n" + "\n".join(render(e, "papershelf", base)
                                                                           for e in part), encoding="utf-8")
        (root / "index.md").write_text("# Links\n\n```{toctree}\n" + "\n".join(names) + "\n```\n", encoding="utf-8")
        cold = sphinx(root, builder="linkcheck", fresh=True)
        cold_requests = sum(server.requests for server in servers)
        warm = sphinx(root, builder="linkcheck")
        warm_requests = sum(server.requests for server in servers) - cold_requests
        return {"links": links, "hosts": hosts, "latency_ms": latency * 1000, "pages": pages,
                "cold_seconds": cold.seconds, "cold_requests": cold_requests,
                "cached_seconds": warm.seconds, "cached_requests": warm_requests,
                "cached_ratio": warm.seconds / cold.seconds}
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


# -- the report -------------------------------------------------------------------------

def table(results: list[dict[str, object]], linkcheck: dict[str, object] | None) -> str:
    rows = [("measure", *[f"{r['papers']:,} papers" for r in results], "target")]

    def add(label: str, key, fmt: str, target: str = "", judged: str | None = None) -> None:
        """A row; ``judged`` names the entry of ``TARGETS`` its values are
        marked against, where that target applies."""
        cells = []
        for result in results:
            value = key(result)
            cell = "n/a" if value is None else fmt.format(value)
            if judged is not None and value is not None and target_applies(judged, result["papers"]):
                cell += " ok" if value <= TARGETS[judged] else " OVER"
            cells.append(cell)
        rows.append((label, *cells, target))

    def full(style: str):
        return lambda r: r["full_build_seconds"].get(style)

    add("full build, Papershelf (CPU s)", full("papershelf"), "{:.1f}")
    add("full build, baseline by hand (CPU s)", full("baseline"), "{:.1f}")
    add("full build, plain list items (CPU s)", full("plain"), "{:.1f}")
    add("full build, Papershelf + 2 index pages (CPU s)", full("papershelf_indexes"), "{:.1f}")
    add("full build, sphinx-needs + needtables (CPU s)", full("needs"), "{:.1f}")
    add("full build, Papershelf (wall s)", lambda r: r.get("full_build_wall_seconds", {}).get("papershelf"), "{:.1f}")
    add("full build, baseline by hand (wall s)",
        lambda r: r.get("full_build_wall_seconds", {}).get("baseline"), "{:.1f}")
    add("Papershelf / baseline", lambda r: r["ratio_to_baseline"], "{:.2f}x",
        f"<= {TARGETS['ratio_to_baseline']:.2f}x", "ratio_to_baseline")
    add("Papershelf / plain", lambda r: r["ratio_to_plain"], "{:.2f}x",
        f"<= {TARGETS['ratio_to_plain']:.2f}x", "ratio_to_plain")
    add("Papershelf / sphinx-needs (both with indexes)", lambda r: r.get("ratio_to_needs"), "{:.2f}x")
    add("index pages: with / without", lambda r: r.get("index_pages_ratio"), "{:.2f}x")
    at_scale = f" at {INCREMENTAL_AT:,}"
    add("no-op rebuild / full", lambda r: r["noop_ratio"], "{:.1%}", "< 5%" + at_scale, "noop_ratio")
    add("notes edit / full", lambda r: r["notes_edit_ratio"], "{:.1%}", "< 10%" + at_scale, "notes_edit_ratio")
    add("notes edit: pages re-read", lambda r: r["notes_edit_reread"], "{}", "1")
    add("notes edit: pages written", lambda r: len(r["notes_edit_written"]), "{}", "page + its indexes")
    add("year edit / full", lambda r: r["year_edit_ratio"], "{:.1%}")
    add("year edit: pages written", lambda r: r["year_edit_written"], "{}")
    add("livehtml: save to page rewritten (s)", lambda r: r.get("livehtml_save_to_page_seconds"), "{:.1f}")
    add("-j 2 / -j 1", lambda r: r["parallel_ratio"], "{:.2f}x", "<= 1.10x")
    add("environment per paper (B)", lambda r: r["env_bytes_per_paper"], "{:.0f}", "< 400")
    add("HTML per paper, topic pages (B)", lambda r: r["html_bytes_per_paper"], "{:.0f}", "< 3,000")
    add("HTML per paper, baseline (B)", lambda r: r["baseline_html_bytes_per_paper"], "{:.0f}")
    add("peak memory, Papershelf (MB)", lambda r: r["peak_memory_mb"].get("papershelf"), "{:.0f}")
    add("peak memory, baseline (MB)", lambda r: r["peak_memory_mb"].get("baseline"), "{:.0f}")
    add("peak memory, sphinx-needs (MB)", lambda r: r["peak_memory_mb"].get("needs"), "{:.0f}")
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    lines = [" | ".join(str(cell).ljust(width) for cell, width in zip(row, widths)) for row in rows]
    lines.insert(1, "-+-".join("-" * width for width in widths))
    if linkcheck:
        lines += ["", f"linkcheck, {linkcheck['links']:,} links over {linkcheck['hosts']} hosts, "
                      f"{linkcheck['latency_ms']:.0f} ms latency: {linkcheck['cold_seconds']:.1f} s and "
                      f"{linkcheck['cold_requests']} requests without the cache; "
                      f"{linkcheck['cached_seconds']:.1f} s and {linkcheck['cached_requests']} requests with it "
                      f"({linkcheck['cached_ratio']:.2f}x)"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="1,000 papers only")
    parser.add_argument("--papers", type=int, action="append", help="papers per site (repeatable)")
    parser.add_argument("--pages", type=int, default=0, help="topic pages (default: one per 100 papers)")
    parser.add_argument("--repeat", type=int, default=0, help="paired runs per measure (default 5, 3 at 10,000)")
    parser.add_argument("--links", type=int, default=1000, help="unique links for the linkcheck run (0: skip)")
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--latency", type=float, default=0.010)
    parser.add_argument("--live-edits", type=int, default=3,
                        help="saves timed under sphinx-autobuild per size (0: skip)")
    parser.add_argument("--profile", type=int, metavar="N",
                        help="instead: build the Papershelf site of N papers under cProfile and print, per package, "
                             "the functions that cost most")
    parser.add_argument("--top", type=int, default=25, help="functions per package and ordering (--profile)")
    parser.add_argument("--workdir", type=Path, help="where the sites are built (default: a temporary folder)")
    parser.add_argument("--json", type=Path, default=Path("_build/bench/report.json"))
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="papershelf-bench-"))
    try:
        if args.profile:
            import profiling

            pages = args.pages or max(1, args.profile // 100)
            profiling.run_profile(args.profile, pages, workdir, args.top,
                                  save=args.json.parent / f"profile-{args.profile}.prof")
            return 0
        return _bench(args, workdir)
    finally:
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)


def compile_extension() -> None:
    """Byte-compile the extension, as pip does for a package it installs.
    Sphinx, MyST, sphinx-design and sphinx-needs come compiled from their
    wheels; the extension is installed editable, so its bytecode is written
    by the first import that may write ``__pycache__``, and, where
    ``PYTHONDONTWRITEBYTECODE`` is set (as on CI machines), by none: every
    Papershelf build would then compile it again (about 0.1 s)."""
    import compileall

    import papershelf

    compileall.compile_dir(str(Path(papershelf.__file__).parent), quiet=1)


def _bench(args: argparse.Namespace, workdir: Path) -> int:
    sizes = args.papers or ([1000] if args.quick else list(DEFAULT_SIZES))
    compile_extension()
    if not peer_available():
        print("sphinx-needs is not installed: the peer is not measured (`make bench` installs it)", flush=True)
    if args.live_edits and not livehtml.available():
        print("sphinx-autobuild is not installed: livehtml is not measured (`make bench` installs it)", flush=True)
    results = []
    for papers in sizes:
        pages = args.pages or max(1, papers // 100)
        repeat = args.repeat or (3 if papers >= 5000 else 5)
        print(f"building {papers:,} papers over {pages} pages, {repeat} paired run(s)...", flush=True)
        results.append(measure_builds(workdir / f"n{papers}", papers, pages, repeat, live_edits=args.live_edits))
    linkcheck = None
    if args.links:
        print(f"linkcheck, {args.links:,} links...", flush=True)
        linkcheck = measure_linkcheck(workdir, args.links, args.hosts, args.latency)
    print()
    print(table(results, linkcheck))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"builds": results, "linkcheck": linkcheck}, indent=2, ensure_ascii=False)
                         + "\n", encoding="utf-8")
    print(f"\nreport: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
