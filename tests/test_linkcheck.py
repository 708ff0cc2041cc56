"""``make linkcheck`` sees every paper link, with its file and line."""

from __future__ import annotations

import json
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conftest import ROOTS


class Handler(BaseHTTPRequestHandler):
    def do_HEAD(self):  # noqa: N802 - http.server naming
        self.send_response(200 if self.path == "/ok" else 404)
        self.end_headers()

    do_GET = do_HEAD

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


def test_linkcheck_reports_paper_links_with_their_lines(make_app, tmp_path, server):
    srcdir = tmp_path / "linkcheck"
    shutil.copytree(ROOTS / "test-linkcheck", srcdir)
    template = srcdir / "index.md.in"
    (srcdir / "index.md").write_text(template.read_text().replace("{port}", str(server)))
    template.unlink()
    app = make_app("linkcheck", srcdir=srcdir, freshenv=True)
    app.build()
    results = [json.loads(line) for line in
               (app.outdir / "output.json").read_text(encoding="utf-8").splitlines()]
    found = sorted((result["uri"].rsplit("/", 1)[1], result["status"], result["lineno"])
                   for result in results)
    assert found == [("missing", "broken", 5), ("ok", "working", 4)]
