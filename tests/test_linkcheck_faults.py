"""``make linkcheck`` against local hosts that misbehave the way real ones do:
a page sent a byte at a time, a page of gigabytes, a host that never accepts
a connection, a 429 that never ends; and a cache that must survive a run
killed at any moment, or a folder in its place.

Wall time is asserted only as a generous bound against the configured
deadlines."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import warnings_of
from linkcheck_sites import NeverAccepting, paper, run, site, start_fault_server, statuses, write_pages
from papershelf.linkcheck.cache import CACHE_NAME, LinkCache

#: Slack for building the test site and starting Sphinx, on a busy machine.
SLACK = 15.0


@pytest.fixture
def fault_server():
    server = start_fault_server()
    yield server
    server.stop()


@pytest.fixture
def never_accepting():
    host = NeverAccepting()
    if host.accepts():
        host.close()
        pytest.skip("this system accepts connections past a full listen backlog")
    yield host
    host.close()


def timed_run(make_apps, srcdir: Path):
    started = time.monotonic()
    app, results, report = run(make_apps, srcdir)
    return app, results, report, time.monotonic() - started


def test_a_page_sent_a_byte_at_a_time_ends_at_the_links_deadline(make_apps, tmp_path, fault_server):
    """Each byte comes well within linkcheck_timeout, so only a deadline for
    the whole link can end the anchor's search; after two such links the host
    is not asked about the others."""
    links = "".join(paper(f"P{n}", paper=f"{{base}}/trickle?n={n}#results") for n in range(5))
    srcdir = site(tmp_path, fault_server.server_address[1], {"index": "# Links\n" + links},
                  linkcheck_timeout=1, papershelf_linkcheck_deadline=2, papershelf_linkcheck_max_connections=2)
    app, results, report, elapsed = timed_run(make_apps, srcdir)
    found = statuses(results)
    # two at a time: the first two run out of time together, and the host is given up on
    assert sorted(found.values()) == ["timeout"] * 2 + ["unverified"] * 3
    for result in results.values():
        if result["status"] == "timeout":
            assert result["info"].startswith("no result within the link's deadline of 2 s (reading the page "
                                             "for its anchor, ")
        elif result["status"] == "unverified":
            assert result["info"] == (f"127.0.0.1:{fault_server.server_address[1]} was not asked: 2 of its links "
                                      "took longer than their deadline of 2 s")
    assert fault_server.sent["/trickle"] > 0          # bytes came, so no read ever timed out
    assert fault_server.hits("/trickle") == 2
    assert elapsed < 2 + SLACK
    assert report["totals"]["timeout"] == 2 and app.statuscode == 1


def test_a_page_that_stops_or_is_cut_short_while_its_anchor_is_looked_for(make_apps, tmp_path, fault_server):
    srcdir = site(tmp_path, fault_server.server_address[1],
                  {"index": "# Links\n" + paper("Stalled", paper="{base}/stall#results", code="{base}/cut#results")},
                  linkcheck_timeout=1, papershelf_linkcheck_deadline=20)
    app, results, _, elapsed = timed_run(make_apps, srcdir)
    assert statuses(results) == {"stall": "timeout", "cut": "broken"}
    assert "Read timed out" in results["stall"]["info"]
    assert results["cut"]["info"].startswith("ProtocolError: ")
    assert elapsed < 20 + SLACK


def test_a_huge_page_is_read_only_up_to_the_anchor_limit(make_apps, tmp_path, fault_server):
    srcdir = site(tmp_path, fault_server.server_address[1],
                  {"index": "# Links\n" + paper("Huge", paper="{base}/huge#results")
                   + paper("Early", paper="{base}/huge?early#early")},
                  papershelf_linkcheck_anchor_bytes=1024 * 1024, papershelf_linkcheck_deadline=30)
    app, results, report, elapsed = timed_run(make_apps, srcdir)
    assert statuses(results) == {"huge": "unverified", "huge?early": "working"}
    assert results["huge"]["info"] == ("anchor 'results' not found in the first 1.0 MB of the page; "
                                       "the rest was not read")
    # of a 2 GB page, the server could write little more than the limit and
    # what the sockets' buffers hold before the client closed
    assert fault_server.sent["/huge"] < 64 * 1024 * 1024
    assert elapsed < 30 + SLACK
    text = (Path(app.outdir) / "papers-report.txt").read_text(encoding="utf-8")
    assert "[unverified] paper: " in text and "not found in the first 1.0 MB of the page" in text
    assert app.statuscode == 0


def test_a_host_that_never_accepts_is_given_up_on(make_apps, tmp_path, fault_server, never_accepting):
    dead = f"http://127.0.0.1:{never_accepting.port}"
    links = "".join(paper(f"P{n}", paper=f"{dead}/{n}") for n in range(8))
    pages = {"index": "# Links\n" + links + paper("Ok", paper="{base}/ok")}
    srcdir = site(tmp_path, fault_server.server_address[1], pages,
                  linkcheck_timeout=1, papershelf_linkcheck_unreachable_after=2,
                  papershelf_linkcheck_max_connections=2, papershelf_linkcheck_deadline=20)
    app, results, report, elapsed = timed_run(make_apps, srcdir)
    assert statuses(results) == {**{str(n): "unreachable" for n in range(8)}, "ok": "working"}
    assert all(results[str(n)]["info"] == f"127.0.0.1:{never_accepting.port} could not be reached "
                                          "(connection timed out)" for n in range(8))
    # two connects timed out (at once: two connections a host); no link waited after that
    tried = [origin for origin, _ in app.builder.hosts.requests if origin.endswith(f":{never_accepting.port}")]
    assert len(tried) == 2
    assert elapsed < 2 * 1 + SLACK
    assert app.statuscode == 0 and report["totals"]["unreachable"] == 8


def test_a_429_without_retry_after_is_remembered_for_the_next_run(make_apps, tmp_path, fault_server):
    busy = start_fault_server()     # a host of its own: an answer from another link would end its 429s
    try:
        check_429_twice(make_apps, tmp_path, fault_server, busy)
    finally:
        busy.stop()


def check_429_twice(make_apps, tmp_path, fault_server, busy):
    srcdir = site(tmp_path, fault_server.server_address[1],
                  {"index": "# Links\n" + paper("Busy", paper=f"{busy.base}/always-429")
                   + paper("Refused", openreview="{base}/challenge") + paper("Ok", paper="{base}/ok")},
                  papershelf_linkcheck_backoff=0.2, linkcheck_rate_limit_timeout=0.8,
                  papershelf_linkcheck_remember=600)
    _, first, _ = run(make_apps, srcdir)
    assert statuses(first) == {"always-429": "unverified", "challenge": "unverified", "ok": "working"}
    assert first["always-429"]["info"].endswith("kept answering 429 Too Many Requests")
    # waits of 0.2, 0.4 and 0.8 s, then given up
    assert busy.hits("/always-429") == 4
    hits = {"/always-429": busy.hits("/always-429"), "/challenge": fault_server.hits("/challenge"),
            "/ok": fault_server.hits("/ok")}

    _, second, report = run(make_apps, srcdir)
    assert {"/always-429": busy.hits("/always-429"), "/challenge": fault_server.hits("/challenge"),
            "/ok": fault_server.hits("/ok")} == hits     # nothing asked again
    assert statuses(second) == statuses(first)
    assert second["always-429"]["info"].startswith(first["always-429"]["info"] + " (from the cache: checked ")
    assert "from the cache" in second["challenge"]["info"]
    assert report["from_cache"] == 3
    text = (srcdir / "_build" / "linkcheck" / "papers-report.txt").read_text(encoding="utf-8")
    assert "kept answering 429 Too Many Requests (from the cache: checked" in text

    # remembered for a short while only
    cache_path = srcdir / "_build" / "linkcheck" / CACHE_NAME
    cache = json.loads(cache_path.read_text(encoding="utf-8"))
    entry = cache["links"][f"{busy.base}/always-429"]
    assert entry["status"] == "unverified" and entry["expires"] - entry["checked"] == 600
    entry["expires"] = time.time() - 1
    cache_path.write_text(json.dumps(cache), encoding="utf-8")
    run(make_apps, srcdir)
    assert busy.hits("/always-429") > hits["/always-429"]
    assert fault_server.hits("/challenge") == hits["/challenge"]


def sphinx_process(srcdir: Path) -> subprocess.Popen:
    """``sphinx-build -b linkcheck`` in a process of its own, to kill."""
    build = srcdir / "_build"
    return subprocess.Popen([sys.executable, "-m", "sphinx", "-b", "linkcheck", "-q", "-d", str(build / "doctrees"),
                             str(srcdir), str(build / "linkcheck")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def wait_for_cache(path: Path, uris: set[str], process: subprocess.Popen, within: float = 60) -> dict:
    end = time.monotonic() + within
    while time.monotonic() < end:
        assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = None
        if data and uris <= set(data["links"]):
            return data
        time.sleep(0.1)
    raise AssertionError(f"the cache never held {sorted(uris)}")


@pytest.mark.parametrize("how", ["SIGKILL", "Ctrl-C"])
def test_a_run_stopped_part_way_keeps_what_it_checked(make_apps, tmp_path, fault_server, how):
    links = "".join(paper(f"F{n}", paper=f"{{base}}/fast/{n}") for n in range(6))
    srcdir = site(tmp_path, fault_server.server_address[1],
                  {"index": "# Links\n" + links + paper("Hang", paper="{base}/hang")},
                  # the hanging link must still be waited for when the run is
                  # stopped, however slowly the machine reaches that point
                  papershelf_linkcheck_deadline=120, linkcheck_timeout=60)
    cache_path = srcdir / "_build" / "linkcheck" / CACHE_NAME
    fast = {f"{fault_server.base}/fast/{n}" for n in range(6)}
    process = sphinx_process(srcdir)
    try:
        # the six fast links are saved while the run still waits for the last one
        wait_for_cache(cache_path, fast, process)
        assert fault_server.hits("/hang") >= 1
        process.send_signal(signal.SIGKILL if how == "SIGKILL" else signal.SIGINT)
        code = process.wait(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert code == (-signal.SIGKILL if how == "SIGKILL" else 2)   # Sphinx exits with 2 when interrupted
    cache = json.loads(cache_path.read_text(encoding="utf-8"))
    assert fast <= set(cache["links"])
    assert not list(cache_path.parent.glob(".*.tmp")) or how == "SIGKILL"

    # the next run checks only what was left
    fault_server.release.set()
    hits = {n: fault_server.hits(f"/fast/{n}") for n in range(6)}
    _, results, report = run(make_apps, srcdir)
    assert {n: fault_server.hits(f"/fast/{n}") for n in range(6)} == hits
    assert set(statuses(results).values()) == {"working"}
    assert report["from_cache"] == 6 and results["hang"]["info"] == ""


SAVER = """
import sys, time
from pathlib import Path
from papershelf.linkcheck.cache import LinkCache
cache = LinkCache(Path(sys.argv[1]), days=7, jitter=0.1)
for n in range(20000):
    cache.record(f"https://example.org/paper/{n}", "working", time.time())
if sys.argv[2] == "disk-full":
    # the file may grow to 4 kB only: a save fails half-way, as on a full disk
    import resource, signal
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
    try:
        cache.save()
    except OSError as error:
        print("failed:", error.strerror, flush=True)
    sys.exit()
print("ready", flush=True)
while True:
    cache.save()
"""


def previous_cache(path: Path) -> bytes:
    cache = LinkCache(path, days=7, jitter=0.1)
    cache.record("https://example.org/kept", "working", time.time())
    cache.save()
    return path.read_bytes()


def test_a_save_that_fails_half_way_leaves_the_previous_cache(tmp_path):
    path = tmp_path / CACHE_NAME
    before = previous_cache(path)
    done = subprocess.run([sys.executable, "-c", SAVER, str(path), "disk-full"], capture_output=True, check=True)
    assert done.stdout == b"failed: File too large\n"
    assert path.read_bytes() == before              # not cut to the 4 kB written
    assert path.stat().st_mode & 0o777 == 0o644     # as readable as a file written in place
    assert sorted(p.name for p in tmp_path.iterdir()) == [CACHE_NAME]   # and no temporary file left


def test_a_kill_while_saving_leaves_a_readable_cache(tmp_path):
    path = tmp_path / CACHE_NAME
    previous_cache(path)
    for delay in (0.05, 0.2, 0.45):
        process = subprocess.Popen([sys.executable, "-c", SAVER, str(path), "loop"], stdout=subprocess.PIPE)
        assert process.stdout is not None and process.stdout.readline() == b"ready\n"
        time.sleep(delay)
        process.kill()
        process.wait()
        data = json.loads(path.read_text(encoding="utf-8"))    # whole, never cut
        assert len(data["links"]) in (1, 20000)
    # a temporary file a kill left behind is not mistaken for the cache
    cache = LinkCache(path, days=7, jitter=0.1)
    assert cache.load() is None and len(cache.entries) in (1, 20000)


def test_a_folder_at_the_cache_path_is_a_warning_and_a_run_without_cache(make_apps, tmp_path, fault_server):
    srcdir = site(tmp_path, fault_server.server_address[1],
                  {"index": "# Links\n" + paper("A", paper="{base}/ok", code="{base}/missing")})
    cache_path = srcdir / "_build" / "linkcheck" / CACHE_NAME
    cache_path.mkdir(parents=True)
    app, results, report = run(make_apps, srcdir)
    assert statuses(results) == {"ok": "working", "missing": "broken"}
    assert [line for line in warnings_of(app) if "link cache" in line] == [
        f"WARNING: the link cache {cache_path} cannot be used ({cache_path} is not a file); every link is "
        "checked and no result is kept [papershelf.linkcheck]"]
    assert report["totals"] == {"broken": 1, "working": 1}
    assert (Path(app.outdir) / "papers-report.txt").is_file()
    assert cache_path.is_dir() and app.statuscode == 1


def test_the_cache_forgets_links_the_site_no_longer_has_and_follows_linkcheck_ignore(make_apps, tmp_path,
                                                                                      fault_server):
    port = fault_server.server_address[1]
    srcdir = site(tmp_path, port, {"index": "# Links\n" + paper("A", paper="{base}/ok", code="{base}/fast/1")})
    run(make_apps, srcdir)
    cache_path = srcdir / "_build" / "linkcheck" / CACHE_NAME
    assert set(json.loads(cache_path.read_text(encoding="utf-8"))["links"]) == {
        f"{fault_server.base}/ok", f"{fault_server.base}/fast/1"}

    write_pages(srcdir, port, {"index": "# Links\n" + paper("A", paper="{base}/ok")})
    with (srcdir / "conf.py").open("a", encoding="utf-8") as handle:
        handle.write(f"linkcheck_ignore = [{fault_server.base + '/ok'!r}]\n")
    hits = fault_server.hits("/ok")
    _, results, _ = run(make_apps, srcdir)
    assert statuses(results) == {"ok": "ignored"}       # ignored, though the cache has it
    assert fault_server.hits("/ok") == hits
    assert set(json.loads(cache_path.read_text(encoding="utf-8"))["links"]) == {f"{fault_server.base}/ok"}


def test_sphinx_allowed_redirects_count_as_working(make_apps, tmp_path, fault_server):
    srcdir = site(tmp_path, fault_server.server_address[1],
                  {"index": "# Links\n" + paper("A", paper="{base}/redirect/2", code="{base}/redirect/1")},
                  linkcheck_allowed_redirects={fault_server.base + "/redirect/2": fault_server.base + "/ok"})
    _, results, _ = run(make_apps, srcdir)
    assert statuses(results) == {"2": "working", "1": "redirected"}


def test_a_run_ends_at_its_deadline(make_apps, tmp_path, fault_server):
    links = "".join(paper(f"H{n}", paper=f"{{base}}/hang?n={n}") for n in range(6))
    srcdir = site(tmp_path, fault_server.server_address[1], {"index": "# Links\n" + links},
                  papershelf_linkcheck_deadline=60, papershelf_linkcheck_run_deadline=2,
                  papershelf_linkcheck_max_connections=2)
    app, results, report, elapsed = timed_run(make_apps, srcdir)
    found = statuses(results)
    # two links started and ran out of time; the others never started
    assert sorted(found.values()) == ["timeout"] * 2 + ["unchecked"] * 4
    assert all(result["info"] == "not checked: the run's deadline of 2 s had passed"
               for result in results.values() if result["status"] == "unchecked")
    assert elapsed < 2 + SLACK
    assert "[unchecked]" in (Path(app.outdir) / "papers-report.txt").read_text(encoding="utf-8")

