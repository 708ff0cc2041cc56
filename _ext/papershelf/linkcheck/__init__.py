"""``make linkcheck`` for a paper list: Sphinx's linkcheck builder, adapted.

Sphinx still collects the links (``linkcheck-process-uri`` applies) and its
``linkcheck_*`` settings still apply; the links are checked by our own
threads, with ``requests``, so that:

- requests to one host are spaced (arXiv: 3 s) and capped in number, every
  request counted, redirects included (:mod:`.politeness`);
- each link's check ends within its deadline whatever the host does
  (connect, headers, a body sent a byte at a time, anchors, retries, waits
  after a 429), anchors are looked for in the first few MB of a page only,
  and a run may have a deadline of its own (:mod:`.workers`, :mod:`.check`);
- a host that cannot be reached (no name, refused, the connection never
  made) is given up on after a few failures;
- working links are kept for about a week, and 429s that never ended and
  refusals for an hour, in a cache saved atomically as the run goes
  (:mod:`.cache`);
- a report by page and paper is written next to Sphinx's ``output.txt``
  (:mod:`.report`).

:mod:`.adapter` is the Sphinx side.
"""

from __future__ import annotations

from .adapter import PaperLinkcheckBuilder, setup_linkcheck

__all__ = ["PaperLinkcheckBuilder", "setup_linkcheck"]
