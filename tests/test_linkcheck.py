"""``make linkcheck`` against a real HTTP server on 127.0.0.1: statuses,
rate limits, politeness, unreachable hosts, the cache and the report."""

from __future__ import annotations

import email.utils
import json
import socket
import struct
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conftest import warnings_of
from linkcheck_sites import closed_port, paper, run, site, statuses
from papershelf.linkcheck.cache import CACHE_NAME, LinkCache
from papershelf.linkcheck.check import normal_redirect


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.log: list[tuple[str, str, float]] = []   # (method, path, arrival time)
        self.lock = threading.Lock()
        self.in_flight = self.most_in_flight = 0

    def hits(self, path: str) -> int:
        return sum(1 for _, logged, _ in self.log if logged == path)


class Handler(BaseHTTPRequestHandler):
    server: Server
    protocol_version = "HTTP/1.1"

    def do_HEAD(self):  # noqa: N802 - http.server naming
        with self.server.lock:
            self.server.log.append((self.command, self.path, time.monotonic()))
            seen = self.server.hits(self.path)
        path = self.path.split("?")[0]
        if path == "/reset":
            # close with a TCP reset, before any answer
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        if path == "/slow":
            time.sleep(2.5)
        if path == "/busy":
            with self.server.lock:
                self.server.in_flight += 1
                self.server.most_in_flight = max(self.server.most_in_flight, self.server.in_flight)
            time.sleep(0.4)
            with self.server.lock:
                self.server.in_flight -= 1
        if path.startswith("/redirect/"):
            left = int(path.rsplit("/", 1)[1])
            self._answer(302, {"Location": f"/redirect/{left - 1}" if left > 1 else "/ok"})
        elif path == "/retry-seconds" and seen == 1:
            self._answer(429, {"Retry-After": "1"})
        elif path == "/retry-date" and seen == 1:
            self._answer(429, {"Retry-After": email.utils.formatdate(time.time() + 2, usegmt=True)})
        elif path == "/retry-none" and seen <= 2:
            self._answer(429)
        elif path == "/always-429":
            self._answer(429)
        elif path == "/challenge":
            self._answer(403, {"cf-mitigated": "challenge"})
        elif path in ("/ok", "/slow", "/busy", "/retry-seconds", "/retry-date", "/retry-none", "/a", "/b", "/c"):
            self._answer(200)
        else:
            self._answer(404)

    do_GET = do_HEAD

    def _answer(self, code: int, headers: dict[str, str] | None = None) -> None:
        self.send_response(code)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def servers():
    """Start local servers; each is a host of its own (its own port)."""
    started = []

    def start() -> Server:
        httpd = Server()
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        started.append(httpd)
        return httpd

    yield start
    for httpd in started:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def server(servers):
    return servers()


def test_statuses_of_a_paper_list(make_apps, tmp_path, server):
    port = server.server_address[1]
    srcdir = site(tmp_path, port, {"index": "# Links\n" + paper("Works", paper="{base}/ok", code="{base}/missing")
                                   + paper("Moved", paper="{base}/redirect/3")
                                   + paper("Challenged", openreview="{base}/challenge")
                                   + paper("Reset", paper="{base}/reset")
                                   + paper("Slow", paper="{base}/slow")},
                  linkcheck_timeout=1)
    app, results, report = run(make_apps, srcdir)
    assert statuses(results) == {"ok": "working", "missing": "broken", "3": "redirected",
                                 "challenge": "unverified", "reset": "broken", "slow": "timeout"}
    assert results["3"]["info"].endswith("/ok")
    assert app.statuscode == 1   # a broken link fails the run
    # the report: per page, per paper, the links that need a look, with label and line
    papers = {paper["title"]: paper["links"] for paper in report["pages"]["index"]}
    assert papers["Works"] == [{"label": "code", "url": f"http://127.0.0.1:{port}/missing",
                                "status": "broken", "line": 5, "info": papers["Works"][0]["info"]}]
    assert "404" in papers["Works"][0]["info"]
    assert [link["status"] for link in papers["Challenged"]] == ["unverified"]
    assert "Works" in report["pages"]["index"][0]["title"]
    assert report["totals"] == {"broken": 2, "redirected": 1, "timeout": 1, "unverified": 1, "working": 1}
    text = (app.outdir / "papers-report.txt").read_text(encoding="utf-8")
    assert f"    line 5: [broken] code: http://127.0.0.1:{port}/missing" in text
    assert "6 links: 2 broken, 1 redirected, 1 timeout, 1 unverified, 1 working" in text


def test_the_same_url_on_three_pages_is_checked_once(make_apps, tmp_path, server):
    port = server.server_address[1]
    pages = {name: f"# {name}\n" + paper(f"Paper on {name}", paper="{base}/gone") for name in ("one", "two")}
    pages["index"] = "# Links\n" + paper("Paper on index", paper="{base}/gone") + paper("Once", paper="{base}/missing")
    _, results, report = run(make_apps, site(tmp_path, port, pages))
    assert server.hits("/gone") == server.hits("/missing") > 0
    assert statuses(results)["gone"] == "broken"
    places = sorted((docname, paper["title"]) for docname, papers in report["pages"].items()
                    for paper in papers for link in paper["links"] if link["url"].endswith("/gone"))
    assert places == [("index", "Paper on index"), ("one", "Paper on one"), ("two", "Paper on two")]


def test_429_honours_retry_after_in_both_forms_and_backs_off_without_it(make_apps, tmp_path, servers):
    # a 429 slows down every link of its host: one host per behaviour
    seconds, date, none, never = (servers() for _ in range(4))
    base = "http://127.0.0.1:{}".format
    srcdir = site(tmp_path, 0, {"index": "# Links\n"
                                + paper("Seconds", paper=base(seconds.server_address[1]) + "/retry-seconds")
                                + paper("Date", paper=base(date.server_address[1]) + "/retry-date")
                                + paper("None", paper=base(none.server_address[1]) + "/retry-none")
                                + paper("Never", paper=base(never.server_address[1]) + "/always-429")},
                  papershelf_linkcheck_backoff=0.2, linkcheck_rate_limit_timeout=1.0)
    started = time.monotonic()
    _, results, _ = run(make_apps, srcdir)
    elapsed = time.monotonic() - started
    assert statuses(results) == {"retry-seconds": "working", "retry-date": "working",
                                 "retry-none": "working", "always-429": "unverified"}
    assert "429" in results["always-429"]["info"]

    def gap(server: Server) -> float:
        times = [at for _, _, at in server.log]
        return times[1] - times[0]

    assert gap(seconds) >= 0.9          # waited as told, not a fixed minute
    assert gap(date) >= 0.5
    assert none.hits("/retry-none") == 3
    # without Retry-After: 0.2 s, 0.4 s, 0.8 s, then the longest wait Sphinx's
    # linkcheck_rate_limit_timeout allows (1 s), then given up (2 s is over it)
    assert never.hits("/always-429") == 5
    assert elapsed < 30


def test_per_host_interval_and_connection_cap(make_apps, tmp_path, server):
    port = server.server_address[1]
    links = "".join(paper(f"P{n}", paper=f"{{base}}/ok?n={n}") for n in range(6))
    srcdir = site(tmp_path, port, {"index": "# Links\n" + links},
                  papershelf_linkcheck_intervals={"127.0.0.1": 0.3})
    app, results, _ = run(make_apps, srcdir)
    assert set(statuses(results).values()) == {"working"}
    arrivals = sorted(at for _, path, at in server.log)
    assert len(arrivals) == 6
    gaps = [later - earlier for earlier, later in zip(arrivals, arrivals[1:])]
    assert min(gaps) >= 0.3, gaps     # none closer than the interval
    # the client's own record of when each request started agrees
    starts = sorted(at for _, at in app.builder.hosts.requests)
    assert min(b - a for a, b in zip(starts, starts[1:])) >= 0.3


@pytest.mark.parametrize("cap", [1, 3])
def test_connections_per_host_are_capped(make_apps, tmp_path, servers, cap):
    server = servers()
    links = "".join(paper(f"P{n}", paper=f"{{base}}/busy?n={n}") for n in range(8))
    srcdir = site(tmp_path, server.server_address[1], {"index": "# Links\n" + links},
                  papershelf_linkcheck_max_connections=cap, linkcheck_workers=6)
    _, results, _ = run(make_apps, srcdir)
    assert set(statuses(results).values()) == {"working"}
    assert server.most_in_flight == cap


def test_an_unreachable_host_is_given_up_on(make_apps, tmp_path, server):
    dead = f"http://127.0.0.1:{closed_port()}"
    links = "".join(paper(f"P{n}", paper=f"{dead}/{name}") for n, name in enumerate("abcde"))
    srcdir = site(tmp_path, server.server_address[1], {"index": "# Links\n" + links + paper("Live", paper="{base}/ok")},
                  papershelf_linkcheck_unreachable_after=2, linkcheck_workers=1)
    app, results, report = run(make_apps, srcdir)
    assert statuses(results) == {"a": "unreachable", "b": "unreachable", "c": "unreachable",
                                 "d": "unreachable", "e": "unreachable", "ok": "working"}
    assert all("could not be reached (connection refused)" in results[n]["info"] for n in "abcde")
    # two tries, then no more requests to that host
    tried = [origin for origin, _ in app.builder.hosts.requests if origin == dead[len("http://"):]]
    assert len(tried) <= 2 * 2   # HEAD and GET of the first two links at most
    assert app.statuscode == 0   # unknown is not broken
    assert report["totals"]["unreachable"] == 5


def test_cache_skips_working_links_and_rechecks_the_rest(make_apps, tmp_path, server):
    port = server.server_address[1]
    srcdir = site(tmp_path, port, {"index": "# Links\n" + paper("A", paper="{base}/ok", code="{base}/missing")})
    _, first, _ = run(make_apps, srcdir)
    assert statuses(first) == {"ok": "working", "missing": "broken"}
    ok_hits, missing_hits = server.hits("/ok"), server.hits("/missing")
    cache_path = srcdir / "_build" / "linkcheck" / CACHE_NAME
    cache = json.loads(cache_path.read_text(encoding="utf-8"))
    assert list(cache["links"]) == [f"http://127.0.0.1:{port}/ok"]   # never a broken link
    entry = cache["links"][f"http://127.0.0.1:{port}/ok"]
    lifetime = entry["expires"] - entry["checked"]
    assert 0.9 * 7 * 86400 <= lifetime <= 1.1 * 7 * 86400   # a week, with some jitter

    _, second, report = run(make_apps, srcdir)
    assert server.hits("/ok") == ok_hits                    # not requested again
    assert server.hits("/missing") > missing_hits           # the broken link is
    assert statuses(second) == {"ok": "working", "missing": "broken"}
    assert second["ok"]["info"] == " (cached)" and report["from_cache"] == 1

    # an expired entry is checked again
    cache = json.loads(cache_path.read_text(encoding="utf-8"))
    cache["links"][f"http://127.0.0.1:{port}/ok"]["expires"] = time.time() - 1
    cache_path.write_text(json.dumps(cache), encoding="utf-8")
    run(make_apps, srcdir)
    assert server.hits("/ok") > ok_hits


def test_a_corrupt_cache_warns_and_checks_everything(make_apps, tmp_path, server):
    srcdir = site(tmp_path, server.server_address[1], {"index": "# Links\n" + paper("A", paper="{base}/ok")})
    cache_path = srcdir / "_build" / "linkcheck" / CACHE_NAME
    cache_path.parent.mkdir(parents=True)
    cache_path.write_text("{not json", encoding="utf-8")
    app, results, _ = run(make_apps, srcdir)
    assert statuses(results) == {"ok": "working"} and server.hits("/ok") == 1
    assert [line for line in warnings_of(app) if "link cache" in line] == [
        f"WARNING: the link cache {cache_path} could not be read (JSONDecodeError: Expecting property "
        "name enclosed in double quotes: line 1 column 2 (char 1)); every link is checked [papershelf.linkcheck]"]
    # a cache time of zero checks everything too
    srcdir_conf = srcdir / "conf.py"
    srcdir_conf.write_text(srcdir_conf.read_text() + "papershelf_linkcheck_cache_days = 0\n")
    run(make_apps, srcdir)
    assert server.hits("/ok") == 2


def test_offline_run_says_so(make_apps, tmp_path):
    dead = f"http://127.0.0.1:{closed_port()}"
    srcdir = site(tmp_path, 0, {"index": "# Links\n" + paper("A", paper=f"{dead}/a") + paper("B", paper=f"{dead}/b")})
    app, _, _ = run(make_apps, srcdir)
    text = (app.outdir / "papers-report.txt").read_text(encoding="utf-8")
    assert "No host could be reached: this machine may have no internet access." in text


@pytest.mark.parametrize(("source", "target", "normal"), [
    ("https://doi.org/10.1145/3442188.3445922", "https://dl.acm.org/doi/10.1145/3442188.3445922", True),
    ("https://arxiv.org/pdf/2310.15213", "https://arxiv.org/pdf/2310.15213v2", True),
    ("http://example.org/a", "https://example.org/a", True),
    ("https://example.org/a", "https://example.org/b", False),
    ("https://arxiv.org/abs/2310.15213", "https://evil.example/x", False),
])
def test_normal_redirects(source, target, normal):
    assert normal_redirect(source, target) is normal


def test_cache_entries_spread_over_time(tmp_path):
    cache = LinkCache(tmp_path / "c.json", days=7, jitter=0.1)
    for n in range(50):
        cache.record(f"https://example.org/{n}", "working", now=0.0)
    expiries = Counter(round(entry["expires"] / 3600) for entry in cache.entries.values())
    assert len(expiries) > 20   # not all at once
    cache.record("https://example.org/0", "broken", now=1.0)
    assert "https://example.org/0" not in cache.entries



def test_linkcheck_process_uri_rewrites_links_and_the_report_follows(make_apps, tmp_path, server):
    port = server.server_address[1]
    srcdir = site(tmp_path, port, {"index": "# Links\n" + paper("Moved", paper="{base}/old-place")})
    with (srcdir / "conf.py").open("a", encoding="utf-8") as handle:
        handle.write("def setup(app):\n    app.connect('linkcheck-process-uri', "
                     "lambda app, uri: uri.replace('/old-place', '/missing'))\n")
    _, results, report = run(make_apps, srcdir)
    assert statuses(results) == {"missing": "broken"}
    assert server.hits("/old-place") == 0
    [moved] = report["pages"]["index"]
    assert moved["title"] == "Moved"
    assert [(link["label"], link["url"]) for link in moved["links"]] == [("paper", f"http://127.0.0.1:{port}/missing")]


def test_a_backoff_pair_of_earlier_versions_still_works_with_a_warning(make_apps, tmp_path, server):
    srcdir = site(tmp_path, server.server_address[1], {"index": "# Links\n" + paper("A", paper="{base}/retry-none")},
                  papershelf_linkcheck_backoff=(0.2, 60))
    app, results, _ = run(make_apps, srcdir)
    assert statuses(results) == {"retry-none": "working"}
    times = [at for _, _, at in server.log]
    assert len(times) == 3 and 0.2 <= times[1] - times[0] < 5    # the pair's first number, not the default 5 s
    assert [line for line in warnings_of(app) if "backoff" in line] == [
        f"{srcdir / 'conf.py'}:5: WARNING: papershelf_linkcheck_backoff is the first wait after a 429 without "
        "Retry-After; the longest wait is linkcheck_rate_limit_timeout [papershelf.config]"]
