"""Build cost of a Papershelf site against the same papers written by hand.

    python bench/bench.py                # 1,000 and 10,000 papers
    python bench/bench.py --quick        # 1,000 papers only: a few minutes
    python bench/bench.py --papers 2000 --pages 20 --repeat 3

Every measurement is a ratio taken in one run, so that a busy machine slows
both sides alike: the Papershelf site against the same content written by hand
as plain MyST with sphinx-design badges and dropdowns (the baseline), and
against plain list items with the same words and links but no badges and no
collapsible notes (the floor); rebuilds
against the full build; ``-j 2`` against ``-j 1``; linkcheck with its cache
against without.  Builds run as separate ``sphinx-build`` processes; their
order alternates between repeats.  The table is printed and a JSON report is
written (``--json``, default ``_build/bench/report.json``).
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

VENUES = ["ICLR 2024", "ICLR 2025 Oral", "ICLR 2025 Ratings 8 6 6 5", "NeurIPS 2023", "NIPS2023",
          "NeurIPS 2024 Workshop on Adaptive Foundation Models", "ICML 2024", "ICML 2024 ICL workshop",
          "ACL 2024", "Findings of ACL 2023", "EMNLP 2024 Findings", "CVPR2024", "ECCV 2024",
          "AAAI 2025", "TMLR 2024", "Arxiv Jan 2024", "Arxiv 2025.02", "arxiv 2023", ""]
WORDS = ("in-context learning transformers language models vision reasoning hallucination alignment "
         "retrieval attention heads task vectors scaling laws chain-of-thought multimodal benchmark "
         "preference optimization mechanistic interpretability generalization distribution shift "
         "induction circuits reward models tokens decoding latent space steering").split()
CHINESE = ["发现模型对于demonstration的顺序很敏感。", "提出了一种新的解码策略来缓解幻觉。",
           "在合成任务上验证了理论结果。", "实验表明该方法在多个基准上都有提升。",
           "【insight】视觉信息在深层被逐渐忽略。"]
MATH = ["$y=\\text{softmax}((1+\\alpha) p_\\theta(y|c,x)-\\alpha p_\\theta(y|x))$", "$s_{T+1}=Ws_T$",
        "$\\mathcal{L} = -\\sum_i \\log p(y_i|x_i)$"]
STYLES = ("papershelf", "baseline", "plain")
KIND_BADGE = {"ICLR": "primary", "NeurIPS": "primary", "ICML": "primary", "ACL": "primary",
              "CVPR": "primary", "ECCV": "primary", "AAAI": "primary", "TMLR": "secondary",
              "Arxiv": "light", "arxiv": "light", "EMNLP": "warning", "Findings": "warning"}


# -- the synthetic papers ------------------------------------------------------------

@dataclass
class Entry:
    number: int
    title: str
    venue: str
    year: int
    arxiv: str
    code: str
    summary: str
    notes: list[str] = field(default_factory=list)


def generate(papers: int, seed: int = 7) -> list[Entry]:
    rng = random.Random(seed)
    entries = []
    for number in range(papers):
        words = rng.sample(WORDS, rng.randint(5, 10))
        title = " ".join(words).capitalize() + f" ({number})"
        venue = rng.choice(VENUES)
        year = 2017 + rng.randint(0, 8)
        month = rng.randint(1, 12)
        arxiv = f"{year % 100:02d}{month:02d}.{number:05d}"
        summary = rng.choice(CHINESE) + " " + " ".join(rng.sample(WORDS, 8)) + "."
        notes = []
        if rng.random() < 0.6:
            notes.append(rng.choice(CHINESE) + " " + rng.choice(MATH) + " " + " ".join(rng.sample(WORDS, 12)) + ".")
        if rng.random() < 0.3:
            notes.append("- " + "\n- ".join(rng.choice(CHINESE) for _ in range(3)))
        entries.append(Entry(number, title, venue, year, arxiv,
                             f"https://github.com/lab{number % 50}/repo{number}", summary, notes))
    return entries


def write_site(root: Path, style: str, entries: list[Entry], pages: int, links_base: str | None = None) -> Path:
    """A site of ``entries`` over ``pages`` topic pages, written in ``style``."""
    if root.exists():
        shutil.rmtree(root)
    (root / "topics").mkdir(parents=True)
    extensions = {"papershelf": '["myst_parser", "sphinx_design", "papershelf"]',
                  "baseline": '["myst_parser", "sphinx_design"]',
                  "plain": '["myst_parser"]'}[style]
    (root / "conf.py").write_text(
        f'project = "Bench"\nextensions = {extensions}\nhtml_theme = "furo"\n'
        'myst_enable_extensions = ["dollarmath", "colon_fence"]\nexclude_patterns = ["_build"]\n'
        'suppress_warnings = ["papershelf.venue"]\nlinkcheck_timeout = 10\nlinkcheck_workers = 10\n'
        'linkcheck_anchors = False\n', encoding="utf-8")
    names = [f"topics/topic-{page:03d}" for page in range(pages)]
    (root / "index.md").write_text("# Bench\n\n```{toctree}\n:maxdepth: 1\n\n" + "\n".join(names) + "\n```\n",
                                   encoding="utf-8")
    per_page = -(-len(entries) // pages)
    for page, name in enumerate(names):
        chunk = entries[page * per_page:(page + 1) * per_page]
        body = [f"# Topic {page}\n"]
        for entry in chunk:
            body.append(render(entry, style, links_base))
        (root / f"{name}.md").write_text("\n".join(body), encoding="utf-8")
    return root


def render(entry: Entry, style: str, links_base: str | None = None) -> str:
    paper_url = f"{links_base}/{entry.number}/abs" if links_base else f"https://arxiv.org/abs/{entry.arxiv}"
    code_url = f"{links_base}/{entry.number}/code" if links_base else entry.code
    if style == "papershelf":
        options = f":venue: {entry.venue}\n" if entry.venue else ""
        options += f":year: {entry.year}\n" if not entry.venue else ""
        options += f":paper: {paper_url}\n:code: {code_url}\n"
        notes = "\n\n".join(entry.notes)
        return (f"```{{paper}} {entry.title}\n{options}\n{entry.summary}\n"
                + (f"\n{notes}\n" if notes else "") + "```\n")
    if style == "baseline":
        venue = entry.venue
        badge = KIND_BADGE.get(venue.split(" ")[0].rstrip("0123456789"), "info") if venue else "info"
        badges = (f"{{bdg-{badge}}}`{venue}` " if venue else "") + f"{{bdg-secondary-line}}`{entry.year}` " \
            + ("{bdg-success}`read`" if entry.summary else "{bdg-light}`unread`")
        lines = [f"- **{entry.title}** {badges}", "",
                 f"  [paper]({paper_url}) · [code]({code_url})", "", f"  {entry.summary}", ""]
        if entry.notes:
            lines += ["  :::{dropdown} Notes", ""]
            for note in entry.notes:
                lines += ["  " + line if line else "" for line in note.splitlines()] + [""]
            lines += ["  :::", ""]
        return "\n".join(lines)
    # plain: the same words and links, as a list item with no badges and no
    # collapsible notes
    lines = [f"- **{entry.title}** ({entry.venue or entry.year}) [paper]({paper_url}) · [code]({code_url})",
             "", f"  {entry.summary}", ""]
    for note in entry.notes:
        lines += ["  " + line if line else "" for line in note.splitlines()] + [""]
    return "\n".join(lines)


# -- running builds -------------------------------------------------------------------

@dataclass
class Run:
    seconds: float
    peak_mb: float
    output: str


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
    return Run(seconds, usage.ru_maxrss / 1024, output)


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

def measure_builds(workdir: Path, papers: int, pages: int, repeat: int) -> dict[str, object]:
    entries = generate(papers)
    sites = {style: write_site(workdir / style, style, entries, pages) for style in STYLES}
    times: dict[str, list[float]] = {style: [] for style in STYLES}
    peaks: dict[str, float] = {}
    for round_ in range(repeat):
        order = STYLES if round_ % 2 == 0 else tuple(reversed(STYLES))
        for style in order:
            shutil.rmtree(sites[style] / "_build", ignore_errors=True)
            run = sphinx(sites[style], fresh=True)
            times[style].append(run.seconds)
            peaks[style] = max(peaks.get(style, 0.0), run.peak_mb)
    full = {style: statistics.median(values) for style, values in times.items()}
    ratios = [ours / base for ours, base in zip(times["papershelf"], times["baseline"])]
    floor = [ours / plain for ours, plain in zip(times["papershelf"], times["plain"])]

    site = sites["papershelf"]
    outdir = site / "_build" / "html"
    noop = sphinx(site)
    first_page = site / "topics" / "topic-000.md"
    entry = entries[0]
    before = mtimes(outdir)
    notes_edit_text = entry.summary
    touch_edit(first_page, notes_edit_text, notes_edit_text + " 又读了一遍。")
    notes = sphinx(site)
    notes_written = written_pages(outdir, before)
    notes_read = _reread(notes.output)
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
    return {
        "papers": papers, "pages": pages, "repeat": repeat,
        "full_build_seconds": full,
        "ratio_to_baseline": statistics.median(ratios),
        "ratio_to_plain": statistics.median(floor),
        "noop_seconds": noop.seconds, "noop_ratio": noop.seconds / full["papershelf"],
        "notes_edit_seconds": notes.seconds, "notes_edit_ratio": notes.seconds / full["papershelf"],
        "notes_edit_reread": notes_read, "notes_edit_written": notes_written,
        "year_edit_seconds": year.seconds, "year_edit_ratio": year.seconds / full["papershelf"],
        "year_edit_written": len(year_written),
        "parallel_ratio": statistics.median(p / s for p, s in zip(parallel_times, serial_times)),
        "env_bytes_per_paper": env_size / papers,
        "html_bytes_per_paper": html_size / papers,
        "baseline_html_bytes_per_paper": baseline_html / papers,
        "peak_memory_mb": peaks,
    }


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

    def add(label: str, key, fmt: str, target: str = "") -> None:
        rows.append((label, *[fmt.format(key(r)) for r in results], target))

    add("full build, Papershelf (s)", lambda r: r["full_build_seconds"]["papershelf"], "{:.1f}")
    add("full build, baseline by hand (s)", lambda r: r["full_build_seconds"]["baseline"], "{:.1f}")
    add("full build, plain list items (s)", lambda r: r["full_build_seconds"]["plain"], "{:.1f}")
    add("Papershelf / baseline", lambda r: r["ratio_to_baseline"], "{:.2f}x", "<= 0.70x")
    add("Papershelf / plain", lambda r: r["ratio_to_plain"], "{:.2f}x", "~<= 1.3x")
    add("no-op rebuild / full", lambda r: r["noop_ratio"], "{:.1%}", "< 5%")
    add("notes edit / full", lambda r: r["notes_edit_ratio"], "{:.1%}")
    add("notes edit: pages re-read", lambda r: r["notes_edit_reread"], "{}", "1")
    add("notes edit: pages written", lambda r: len(r["notes_edit_written"]), "{}", "page + its indexes")
    add("year edit / full", lambda r: r["year_edit_ratio"], "{:.1%}")
    add("year edit: pages written", lambda r: r["year_edit_written"], "{}")
    add("-j 2 / -j 1", lambda r: r["parallel_ratio"], "{:.2f}x", "<= 1.10x")
    add("environment per paper (B)", lambda r: r["env_bytes_per_paper"], "{:.0f}", "< 400")
    add("HTML per paper, topic pages (B)", lambda r: r["html_bytes_per_paper"], "{:.0f}", "< 3,000")
    add("HTML per paper, baseline (B)", lambda r: r["baseline_html_bytes_per_paper"], "{:.0f}")
    add("peak memory, Papershelf (MB)", lambda r: r["peak_memory_mb"]["papershelf"], "{:.0f}")
    add("peak memory, baseline (MB)", lambda r: r["peak_memory_mb"]["baseline"], "{:.0f}")
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
    parser.add_argument("--repeat", type=int, default=0, help="paired runs per measure (default 3, 1 at 10,000)")
    parser.add_argument("--links", type=int, default=1000, help="unique links for the linkcheck run (0: skip)")
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--latency", type=float, default=0.010)
    parser.add_argument("--workdir", type=Path, help="where the sites are built (default: a temporary folder)")
    parser.add_argument("--json", type=Path, default=Path("_build/bench/report.json"))
    args = parser.parse_args(argv)
    sizes = args.papers or ([1000] if args.quick else [1000, 10000])
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="papershelf-bench-"))
    results = []
    for papers in sizes:
        pages = args.pages or max(1, papers // 100)
        repeat = args.repeat or (1 if papers >= 5000 else 3)
        print(f"building {papers:,} papers over {pages} pages, {repeat} paired run(s)...", flush=True)
        results.append(measure_builds(workdir / f"n{papers}", papers, pages, repeat))
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
    if not args.workdir:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
