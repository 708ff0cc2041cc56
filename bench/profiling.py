"""A full build of the synthetic Papershelf site under cProfile, its functions
grouped by the package they belong to, so that what is ours stands apart
from what Sphinx, docutils, MyST, furo and sphinx-design cost.

    python bench/bench.py --profile 2000 [--top 25]
"""

from __future__ import annotations

import cProfile
import io
import pstats
import sys
import time
from collections import defaultdict
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Callable

from synthetic import generate, write_site

PACKAGES = ("papershelf", "sphinx", "docutils", "myst_parser", "furo", "sphinx_design")
OTHER = "other"

# one function: (file, line, name), as pstats keys them
Function = tuple[str, int, str]


def package_of(filename: str) -> str:
    """The package a function's file belongs to, by the first of its folders
    that names one (``sphinx/`` and ``sphinx_design/`` are different packages;
    ``site-packages/sphinx_needs`` is neither)."""
    parts = Path(filename).parts
    for part in parts:
        if part in PACKAGES:
            return part
    return OTHER


def profile_build(papers: int, pages: int, workdir: Path) -> pstats.Stats:
    """Build a fresh Papershelf site of ``papers`` in this process under
    cProfile; Sphinx's own output is dropped."""
    from sphinx.cmd.build import build_main

    site = write_site(workdir / "profile", "papershelf", generate(papers), pages)
    arguments = ["-b", "html", "-E", "-q", str(site), str(site / "_build" / "html"),
                 "-d", str(site / "_build" / ".doctrees")]
    profiler = cProfile.Profile()
    sink = io.StringIO()
    with redirect_stdout(sink), redirect_stderr(sink):
        profiler.enable()
        status = build_main(arguments)
        profiler.disable()
    if status not in (0, 1):
        raise RuntimeError(f"sphinx-build failed ({status}):\n{sink.getvalue()[-3000:]}")
    return pstats.Stats(profiler)


def summarize(stats: pstats.Stats, top: int) -> dict[str, object]:
    """Per package: its own time, that time split by the package whose code
    called into it, the cumulative time on entries from other packages, and
    its ``top`` functions by cumulative and by own time; then the ``top``
    functions by own time anywhere, split the same way."""
    # call chains within one package are followed up to the caller that
    # entered it
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 20000))
    raw = stats.stats  # {function: (primitive calls, calls, own, cumulative, callers)}
    own: dict[str, float] = defaultdict(float)
    entered: dict[str, float] = defaultdict(float)
    functions: dict[str, list[tuple[Function, int, float, float]]] = defaultdict(list)
    for function, (_, calls, own_time, cumulative, callers) in raw.items():
        package = package_of(function[0])
        own[package] += own_time
        functions[package].append((function, calls, own_time, cumulative))
        for caller, (_, _, _, caller_cumulative) in callers.items():
            if package_of(caller[0]) != package:
                entered[package] += caller_cumulative
    total = stats.total_tt
    report = {"total_seconds": total, "packages": {}, "hottest": []}
    entry = _entering_packages(raw)
    blamed: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for function, (_, _, own_time, _, _) in raw.items():
        for caller_package, share in entry(function).items():
            blamed[package_of(function[0])][caller_package] += own_time * share
    # the functions with most own time anywhere, and whose code asked for
    # them: a docutils tree walk costs what its callers ask of it
    for function, (_, calls, own_time, cumulative, _) in sorted(raw.items(), key=lambda item: -item[1][2])[:top]:
        report["hottest"].append({**_row((function, calls, own_time, cumulative)),
                                  "own_seconds_by_entering_package": _by_value(
                                      {name: own_time * share for name, share in entry(function).items()})})
    for package in (*PACKAGES, OTHER):
        rows = functions.get(package, [])
        report["packages"][package] = {
            "own_seconds": own.get(package, 0.0),
            "entered_seconds": entered.get(package, 0.0),
            "own_seconds_by_entering_package": _by_value(blamed.get(package, {})),
            "by_cumulative": [_row(row) for row in sorted(rows, key=lambda row: -row[3])[:top]],
            "by_own": [_row(row) for row in sorted(rows, key=lambda row: -row[2])[:top]],
        }
    return report


def _entering_packages(raw: dict) -> Callable[[Function], dict[str, float]]:
    """For a function, the packages whose code entered its package on the way
    to it, as shares of its calls (by the callers' cumulative time): a caller
    in another package is the one that entered; a caller in the same package
    passes on its own shares.  A function no caller cProfile saw (the build's
    entry point) counts as its own package."""
    memo: dict[Function, dict[str, float]] = {}
    visiting: set[Function] = set()

    def shares(function: Function) -> dict[str, float]:
        if function in memo:
            return memo[function]
        package = package_of(function[0])
        callers = raw[function][4] if function in raw else {}
        # a call from a function already on the way (recursion) adds no
        # new entry: the shares come from the other callers
        weights = {caller: timing[3] for caller, timing in callers.items()
                   if caller != function and caller not in visiting}
        total = sum(weights.values())
        if not total:
            return {package: 1.0}
        visiting.add(function)
        result: dict[str, float] = defaultdict(float)
        for caller, weight in weights.items():
            if package_of(caller[0]) != package:
                result[package_of(caller[0])] += weight / total
            else:
                for name, share in shares(caller).items():
                    result[name] += share * weight / total
        visiting.discard(function)
        # kept even when found inside a longer cycle, where the callers of the
        # function on the way are left out: a close estimate, in linear time
        memo[function] = dict(result)
        return memo[function]

    return shares


def _by_value(values: dict[str, float]) -> dict[str, float]:
    return dict(sorted(values.items(), key=lambda item: -item[1]))


def _row(row: tuple[Function, int, float, float]) -> dict[str, object]:
    (filename, line, name), calls, own_time, cumulative = row
    return {"function": f"{_short(filename)}:{line}({name})", "calls": calls,
            "own_seconds": own_time, "cumulative_seconds": cumulative}


def _short(filename: str) -> str:
    """A file's path from its package folder on (``papershelf/model.py``)."""
    parts = Path(filename).parts
    for index, part in enumerate(parts):
        if part in PACKAGES or part == "site-packages":
            return "/".join(parts[index + (part == "site-packages"):])
    return filename


def format_report(report: dict[str, object], papers: int, seconds: float) -> str:
    lines = [f"Full build of {papers:,} papers under cProfile: {seconds:.1f} s "
             f"({report['total_seconds']:.1f} s of profiled time)", "",
             "package        own (s)   own %   cumulative on entry from another package (s; nested entries add up)"]
    for package, data in report["packages"].items():
        share = data["own_seconds"] / report["total_seconds"] if report["total_seconds"] else 0.0
        lines.append(f"{package:<14} {data['own_seconds']:7.2f}  {share:6.1%}   {data['entered_seconds']:7.2f}")
    for package, data in report["packages"].items():
        for key, title in (("by_cumulative", "cumulative"), ("by_own", "own time")):
            if not data[key]:
                continue
            lines += ["", f"== {package}: top {len(data[key])} by {title}",
                      f"{'cumulative':>10} {'own':>8} {'calls':>9}  function"]
            lines += [f"{row['cumulative_seconds']:10.3f} {row['own_seconds']:8.3f} {row['calls']:9d}  "
                      f"{row['function']}" for row in data[key]]
    lines += ["", "== own time of each package, by the package whose code called into it (s)"]
    for package, data in report["packages"].items():
        lines.append(f"{package:<14} " + ", ".join(f"{name} {seconds:.2f}" for name, seconds
                                                 in data["own_seconds_by_entering_package"].items()
                                                 if seconds >= 0.005))
    lines += ["", f"== the {len(report['hottest'])} functions with most own time, by the package that called "
                  "into theirs (s)", f"{'cumulative':>10} {'own':>8} {'calls':>9}  function: own time by package"]
    for row in report["hottest"]:
        callers = ", ".join(f"{name} {seconds:.2f}" for name, seconds
                            in row["own_seconds_by_entering_package"].items() if seconds >= 0.005)
        lines.append(f"{row['cumulative_seconds']:10.3f} {row['own_seconds']:8.3f} {row['calls']:9d}  "
                     f"{row['function']}: {callers}")
    return "\n".join(lines)


def run_profile(papers: int, pages: int, workdir: Path, top: int, save: Path | None = None) -> dict[str, object]:
    started = time.perf_counter()
    stats = profile_build(papers, pages, workdir)
    seconds = time.perf_counter() - started
    if save:
        save.parent.mkdir(parents=True, exist_ok=True)
        stats.dump_stats(str(save))
    report = summarize(stats, top)
    print(format_report(report, papers, seconds))
    if save:
        print(f"\nprofile: {save} (pstats; snakeviz or python -m pstats read it)")
    return report
