"""Stand-ins for the paper metadata APIs, on 127.0.0.1, answering in each API's own format.

One HTTP/1.1 server (keep-alive, so a client's connections can be counted)
serves all five under their own prefixes:

- ``/arxiv/api/query``: arXiv's Atom feed with ``arxiv:`` elements (``id_list``);
- ``/s2/graph/v1/paper/batch``: Semantic Scholar's batch endpoint (POST, a
  list in the order of the ids, ``null`` for an unknown one);
- ``/dblp/search/publ/api``: DBLP's search, ``format=json``;
- ``/openreview/notes``: OpenReview API v2 notes (``content.*.value``);
- ``/crossref/works/<doi>``: Crossref's ``{"status": "ok", "message": {...}}``.

Every request is recorded (time, source, path, query, body, headers, client
port).  ``fail[source]`` is a list of statuses to answer first (``429`` with
``Retry-After: retry_after``, ``503``...), one per request.
"""

from __future__ import annotations

import json
import re
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit
from xml.sax.saxutils import escape

# -- the papers the stand-ins know ---------------------------------------------

FV_ABSTRACT = ("We report the presence of a simple neural mechanism that represents an "
               "input-output function as a vector within autoregressive transformer language models.")
MATH_TITLE = r"$\mathcal{O}(n)$ Attention & ``Sparse`` Mixtures for Ünïcode Text"
MATH_ABSTRACT = "We show that ````code```` & $a<b$ hold.\n  Second line   of the abstract."

#: arXiv's records: id -> fields
ARXIV = {
    "2310.15213": {
        "version": 2, "title": "Function Vectors in Large Language\n  Models",
        "summary": "  " + FV_ABSTRACT + "\n", "published": "2023-10-23T17:55:31Z",
        "authors": ["Eric Todd", "Millicent L. Li", "Arnab Sen Sharma", "Aaron Mueller",
                    "Byron C. Wallace", "David Bau"],
        "comment": "ICLR 2024 camera-ready",
    },
    "2401.00001": {
        "version": 1, "title": MATH_TITLE, "summary": MATH_ABSTRACT,
        "published": "2024-01-01T00:00:00Z",
        "authors": ["José Ñúñez", "李雷", "Martin Luther King Jr.", "Ørsted, Hans Christian"],
        "doi": "10.1000/math.2024.1", "journal_ref": "Journal of Unlikely Results 12 (2024)",
    },
    "2305.00002": {
        "version": 1, "title": "A Paper the Sources Disagree About",
        "summary": "Contested.", "published": "2023-05-01T00:00:00Z", "authors": ["Ann Example"],
    },
    "2402.17762": {
        "version": 1, "title": "Massive Activations in Large Language Models",
        "summary": "Some activations are massive.", "published": "2024-02-27T00:00:00Z",
        "authors": ["Mingjie Sun", "Xinlei Chen", "J. Zico Kolter", "Zhuang Liu"],
    },
    "2104.08758": {
        "version": 2, "title": "Documenting Large Webtext Corpora: A Case Study on the Colossal Clean Crawled Corpus",
        "summary": "C4 documented.", "published": "2021-04-18T00:00:00Z",
        "authors": ["Jesse Dodge", "Maarten Sap"],
    },
}

#: Semantic Scholar's papers: "ARXIV:<id>" or "DOI:<doi>" -> paper
S2 = {
    "ARXIV:2310.15213": {
        "paperId": "c8f0a1ad3d4b1a0e8e0b1d9c3f2a7e6b5d4c3b2a",
        "externalIds": {"ArXiv": "2310.15213", "DBLP": "conf/iclr/ToddLSMWB24", "CorpusId": 264439386},
        "title": "Function Vectors in Large Language Models", "abstract": FV_ABSTRACT,
        "venue": "International Conference on Learning Representations",
        "publicationVenue": {"id": "939c6e1d-0d17-4d6e-8a82-66d960df0e40",
                             "name": "International Conference on Learning Representations",
                             "type": "conference", "alternate_names": ["Int Conf Learn Represent", "ICLR"],
                             "url": "https://iclr.cc/"},
        "year": 2023, "publicationDate": "2023-10-23", "journal": {"name": "ArXiv", "volume": "abs/2310.15213"},
        "authors": [{"authorId": "1", "name": "Eric Todd"}, {"authorId": "2", "name": "Millicent Li"}],
    },
    "ARXIV:2305.00002": {
        "paperId": "d1", "externalIds": {"ArXiv": "2305.00002"}, "title": "A Paper the Sources Disagree About",
        "venue": "Neural Information Processing Systems", "publicationVenue": None, "year": 2023,
        "authors": [{"authorId": "9", "name": "Ann Example"}], "abstract": None,
    },
    "ARXIV:2402.17762": {
        "paperId": "e2", "externalIds": {"ArXiv": "2402.17762"},
        "title": "Massive Activations in Large Language Models", "venue": "arXiv.org",
        "publicationVenue": {"id": "1901e811-ee72-4b20-8f7e-de08cd395a10", "name": "arXiv.org",
                             "type": None, "alternate_names": ["ArXiv"], "url": "https://arxiv.org"},
        "year": 2024, "authors": [{"authorId": "3", "name": "Mingjie Sun"}], "abstract": None,
    },
    "ARXIV:2104.08758": {
        "paperId": "f3", "externalIds": {"ArXiv": "2104.08758", "DOI": "10.18653/v1/2021.emnlp-main.98"},
        "title": "Documenting Large Webtext Corpora: A Case Study on the Colossal Clean Crawled Corpus",
        "venue": "Conference on Empirical Methods in Natural Language Processing", "year": 2021,
        "authors": [{"authorId": "4", "name": "Jesse Dodge"}], "abstract": None,
    },
}

#: DBLP hits by normalised title
DBLP = {
    "function vectors in large language models": [
        {"authors": {"author": [{"@pid": "1", "text": "Eric Todd"}, {"@pid": "2", "text": "Millicent L. Li"}]},
         "title": "Function Vectors in Large Language Models.", "venue": "ICLR", "year": "2024",
         "type": "Conference and Workshop Papers", "access": "open", "key": "conf/iclr/ToddLSMWB24",
         "ee": "https://openreview.net/forum?id=AwyxtyMwaG", "url": "https://dblp.org/rec/conf/iclr/ToddLSMWB24"},
        {"authors": {"author": [{"@pid": "1", "text": "Eric Todd"}]},
         "title": "Function Vectors in Large Language Models.", "venue": "CoRR", "volume": "abs/2310.15213",
         "year": "2023", "type": "Informal and Other Publications", "access": "open",
         "key": "journals/corr/abs-2310-15213", "doi": "10.48550/ARXIV.2310.15213",
         "ee": "https://doi.org/10.48550/arXiv.2310.15213"},
    ],
    "a paper the sources disagree about": [
        {"authors": {"author": {"@pid": "9", "text": "Ann Example 0001"}},
         "title": "A Paper the Sources Disagree About.", "venue": "ICML", "year": "2023",
         "type": "Conference and Workshop Papers", "key": "conf/icml/Example23"},
    ],
    "massive activations in large language models": [
        {"authors": {"author": {"@pid": "3", "text": "Mingjie Sun"}},
         "title": "Massive Activations in Large Language Models.", "venue": "CoRR", "year": "2024",
         "type": "Informal and Other Publications", "key": "journals/corr/abs-2402-17762"},
    ],
    "documenting large webtext corpora a case study on the colossal clean crawled corpus": [
        {"authors": {"author": [{"@pid": "4", "text": "Jesse Dodge"}, {"@pid": "5", "text": "Maarten Sap"}]},
         "title": "Documenting Large Webtext Corpora: A Case Study on the Colossal Clean Crawled Corpus.",
         "venue": "EMNLP (1)", "year": "2021", "type": "Conference and Workshop Papers",
         "doi": "10.18653/V1/2021.EMNLP-MAIN.98", "key": "conf/emnlp/DodgeSMGIGMG21"},
    ],
}

#: OpenReview API v2 notes by id
OPENREVIEW = {
    "AwyxtyMwaG": {
        "id": "AwyxtyMwaG", "forum": "AwyxtyMwaG", "number": 4021,
        "invitations": ["ICLR.cc/2024/Conference/-/Submission"], "domain": "ICLR.cc/2024/Conference",
        "cdate": 1695400000000, "pdate": 1705400000000, "mdate": 1710000000000,
        "content": {
            "title": {"value": "Function Vectors in Large Language Models"},
            "authors": {"value": ["Eric Todd", "Millicent L. Li", "Arnab Sen Sharma", "Aaron Mueller",
                                  "Byron C Wallace", "David Bau"]},
            "authorids": {"value": ["~Eric_Todd1"]},
            "abstract": {"value": FV_ABSTRACT},
            "venue": {"value": "ICLR 2024 poster"}, "venueid": {"value": "ICLR.cc/2024/Conference"},
            "pdf": {"value": "/pdf/0123456789abcdef.pdf"},
        },
    },
    "RejectedXy": {
        "id": "RejectedXy", "forum": "RejectedXy", "cdate": 1695400000000,
        "content": {"title": {"value": "A Rejected Paper"}, "authors": {"value": ["Bo Peep"]},
                    "abstract": {"value": "Not accepted."},
                    "venue": {"value": "Submitted to ICLR 2024"},
                    "venueid": {"value": "ICLR.cc/2024/Conference/Rejected_Submission"}},
    },
}

#: Crossref works by lowercase DOI
CROSSREF = {
    "10.18653/v1/2023.acl-long.1": {
        "DOI": "10.18653/v1/2023.acl-long.1", "type": "proceedings-article",
        "title": ["One Cannot Stand for Everyone! Leveraging <i>Multiple</i> User Simulators &amp; More"],
        "container-title": ["Proceedings of the 61st Annual Meeting of the Association for Computational "
                            "Linguistics (Volume 1: Long Papers)"],
        "author": [{"given": "Zhi", "family": "Chen", "sequence": "first", "affiliation": []},
                   {"given": "Anne-Marie", "family": "O'Neil", "sequence": "additional", "affiliation": []}],
        "published": {"date-parts": [[2023]]}, "issued": {"date-parts": [[2023, 7]]},
        "abstract": "<jats:title>Abstract</jats:title><jats:p>Users are &lt;many&gt; &amp; varied.</jats:p>",
        "publisher": "Association for Computational Linguistics", "URL": "http://dx.doi.org/10.18653/v1/2023.acl-long.1",
    },
    "10.1145/3442188.3445922": {
        "DOI": "10.1145/3442188.3445922", "type": "proceedings-article",
        "title": ["On the Dangers of Stochastic Parrots: Can Language Models Be Too Big? 🦜"],
        "container-title": ["Proceedings of the 2021 ACM Conference on Fairness, Accountability, and Transparency"],
        "issued": {"date-parts": [[2021, 3, 3]]},
        "author": [{"given": "Emily M.", "family": "Bender"}, {"given": "Timnit", "family": "Gebru"},
                   {"name": "The Stochastic Parrots Collective"}],
    },
    "10.1000/math.2024.1": {
        "DOI": "10.1000/math.2024.1", "type": "journal-article", "title": [MATH_TITLE],
        "container-title": ["Journal of Unlikely Results"], "issued": {"date-parts": [[2024, 3, 1]]},
        "author": [{"given": "José", "family": "Ñúñez"}],
    },
    "10.18653/v1/2021.emnlp-main.98": {
        "DOI": "10.18653/v1/2021.emnlp-main.98", "type": "proceedings-article",
        "title": ["Documenting Large Webtext Corpora: A Case Study on the Colossal Clean Crawled Corpus"],
        "container-title": ["Proceedings of the 2021 Conference on Empirical Methods in Natural Language Processing"],
        "issued": {"date-parts": [[2021]]}, "author": [{"given": "Jesse", "family": "Dodge"}],
    },
}


def _normal(title: str) -> str:
    text = unicodedata.normalize("NFKC", title).casefold()
    return " ".join(re.sub(r"[^\w]+|_+", " ", text).split())


# -- answers in each API's format ---------------------------------------------------

def arxiv_feed(ids: list[str]) -> str:
    entries = []
    for ident in ids:
        ident = re.sub(r"v\d+$", "", ident)
        paper = ARXIV.get(ident)
        if paper is None:
            if not re.fullmatch(r"\d{4}\.\d{4,5}|[a-z\-.]+/\d{7}", ident, re.IGNORECASE):
                entries.append(f"""  <entry>
    <id>http://arxiv.org/api/errors#incorrect_id_format_for_{escape(ident)}</id>
    <title>Error</title>
    <summary>incorrect id format for {escape(ident)}</summary>
    <updated>2026-12-02T00:00:00-05:00</updated>
    <link href="http://arxiv.org/api/errors#incorrect_id_format_for_{escape(ident)}" rel="alternate" type="text/html"/>
    <author><name>arXiv api core</name></author>
  </entry>""")
            continue
        versioned = f"{ident}v{paper['version']}"
        authors = "\n".join(f"    <author>\n      <name>{escape(name)}</name>\n    </author>"
                            for name in paper["authors"])
        optional = ""
        if paper.get("doi"):
            optional += f"\n    <arxiv:doi>{escape(paper['doi'])}</arxiv:doi>"
            optional += (f'\n    <link title="doi" href="https://doi.org/{escape(paper["doi"])}" '
                         'rel="related"/>')
        if paper.get("journal_ref"):
            optional += f"\n    <arxiv:journal_ref>{escape(paper['journal_ref'])}</arxiv:journal_ref>"
        if paper.get("comment"):
            optional += f"\n    <arxiv:comment>{escape(paper['comment'])}</arxiv:comment>"
        entries.append(f"""  <entry>
    <id>http://arxiv.org/abs/{versioned}</id>
    <updated>{paper['published']}</updated>
    <published>{paper['published']}</published>
    <title>{escape(paper['title'])}</title>
    <summary>{escape(paper['summary'])}</summary>
{authors}{optional}
    <link href="http://arxiv.org/abs/{versioned}" rel="alternate" type="text/html"/>
    <link title="pdf" href="http://arxiv.org/pdf/{versioned}" rel="related" type="application/pdf"/>
    <arxiv:primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" term="cs.CL" scheme="http://arxiv.org/schemas/atom"/>
    <category term="cs.CL" scheme="http://arxiv.org/schemas/atom"/>
  </entry>""")
    query = escape(",".join(ids))
    body = "\n".join(entries)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom">
  <link href="http://arxiv.org/api/query?search_query%3D%26id_list%3D{query}" rel="self" type="application/atom+xml"/>
  <title type="html">ArXiv Query: search_query=&amp;id_list={query}&amp;start=0&amp;max_results=10</title>
  <id>http://arxiv.org/api/standin</id>
  <updated>2026-12-02T00:00:00-05:00</updated>
  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">{len(entries)}</opensearch:totalResults>
  <opensearch:startIndex xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">0</opensearch:startIndex>
  <opensearch:itemsPerPage xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">{len(entries)}</opensearch:itemsPerPage>
{body}
</feed>
"""


def dblp_answer(query: str) -> dict:
    hits = [hit for title, found in DBLP.items() if title == _normal(query) for hit in found]
    return {"result": {
        "query": query + "*", "status": {"@code": "200", "text": "OK"},
        "time": {"@unit": "msecs", "text": "12.34"},
        "completions": {"@total": "0", "@computed": "0", "@sent": "0"},
        "hits": {"@total": str(len(hits)), "@computed": str(len(hits)), "@sent": str(len(hits)),
                 "@first": "0",
                 **({"hit": [{"@score": "7", "@id": str(position), "info": info,
                              "url": f"URL#{position}"} for position, info in enumerate(hits)]}
                    if hits else {})}}}


# -- the server --------------------------------------------------------------------

@dataclass
class Seen:
    at: float
    source: str
    method: str
    path: str
    query: dict[str, list[str]]
    body: bytes
    headers: dict[str, str]
    port: int


@dataclass
class StandIns:
    server: ThreadingHTTPServer
    seen: list[Seen] = field(default_factory=list)
    fail: dict[str, list[int]] = field(default_factory=dict)
    retry_after: str | None = "0"
    #: answers to give instead of the real one: source -> [(status, body, content type)]
    odd: dict[str, list[tuple[int, str, str]]] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def environ(self) -> dict[str, str]:
        """The environment variables that point the clients here."""
        return {
            "PAPERSHELF_ARXIV_API": f"{self.base}/arxiv/api/query",
            "PAPERSHELF_S2_API": f"{self.base}/s2/graph/v1",
            "PAPERSHELF_DBLP_API": f"{self.base}/dblp/search/publ/api",
            "PAPERSHELF_OPENREVIEW_API": f"{self.base}/openreview",
            "PAPERSHELF_CROSSREF_API": f"{self.base}/crossref",
        }

    def requests(self, source: str | None = None) -> list[Seen]:
        return [seen for seen in self.seen if source is None or seen.source == source]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    standins: StandIns

    def log_message(self, *args: object) -> None:  # quiet
        pass

    def _send(self, status: int, body: str, content_type: str, headers: dict[str, str] | None = None) -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _json(self, data: object, status: int = 200) -> None:
        self._send(status, json.dumps(data, ensure_ascii=False), "application/json; charset=utf-8")

    def _handle(self, method: str) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        source = parts.path.strip("/").split("/", 1)[0]
        standins = self.standins
        standins.seen.append(Seen(time.monotonic(), source, method, parts.path, parse_qs(parts.query),
                                  body, {name.lower(): value for name, value in self.headers.items()},
                                  self.client_address[1]))
        queue = standins.fail.get(source)
        if queue:
            status = queue.pop(0)
            headers = {"Retry-After": standins.retry_after} if status == 429 and standins.retry_after else {}
            self._send(status, "Too Many Requests" if status == 429 else "Service Unavailable",
                       "text/plain", headers)
            return
        odd = standins.odd.get(source)
        if odd:
            self._send(*odd.pop(0))
            return
        query = parse_qs(parts.query)
        if source == "arxiv" and parts.path == "/arxiv/api/query":
            ids = [ident for ident in (query.get("id_list") or [""])[0].split(",") if ident]
            self._send(200, arxiv_feed(ids), "application/atom+xml; charset=utf-8")
        elif source == "s2" and parts.path == "/s2/graph/v1/paper/batch" and method == "POST":
            ids = json.loads(body or b"{}").get("ids", [])
            self._json([S2.get(ident) for ident in ids])
        elif source == "dblp" and parts.path == "/dblp/search/publ/api":
            self._json(dblp_answer((query.get("q") or [""])[0]))
        elif source == "openreview" and parts.path == "/openreview/notes":
            note = OPENREVIEW.get((query.get("id") or [""])[0])
            self._json({"notes": [note] if note else [], "count": 1 if note else 0})
        elif source == "crossref" and parts.path.startswith("/crossref/works/"):
            doi = unquote(parts.path[len("/crossref/works/"):]).lower()
            work = CROSSREF.get(doi)
            if work is None:
                self._send(404, "Resource not found.", "text/plain")
            else:
                self._json({"status": "ok", "message-type": "work", "message-version": "1.0.0",
                            "message": work})
        else:
            self._send(404, "not found", "text/plain")

    def do_GET(self) -> None:  # noqa: N802
        self._handle("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._handle("POST")


def start() -> StandIns:
    handler = type("Handler", (_Handler,), {})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    standins = StandIns(server)
    handler.standins = standins
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return standins
