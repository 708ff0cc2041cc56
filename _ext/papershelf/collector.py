"""Python's cyclic garbage collector during a build.

A build makes millions of container objects (docutils nodes, the
environment's records, the papers' entries), and most of what it makes lives
until the build ends.  With the collector's stock settings its full
collections walk all of that again and again: at 10,000 papers they took
about a sixth of a build, in every style of site.  The process's exit then
walks it once more (about 2.5 s at 10,000 papers) only to free memory the
operating system takes back anyway.  So, for the length of a build:

* what is alive once the configuration is read (Sphinx, the extensions),
  once the builder is ready (a loaded environment), and again once every page
  is read (the environment), is frozen out of the collector's walks
  (``gc.freeze``);
* the youngest generation is collected after 50,000 allocations instead of
  700, so that full collections come about seventy times less often (peak
  memory did not move at 1,000, 2,000 or 10,000 papers);
* both are given back when the build finishes, also after an error, so that
  a process that goes on (a test run, a server) collects what the build made;
* once a build has finished, the process's exit leaves what is still alive
  to the operating system (``gc.freeze`` from an ``atexit`` handler) instead
  of walking it.  Python does not promise to finalize objects still alive at
  exit; files, logs and every other ``atexit`` handler are closed and run as
  always.

``papershelf_tune_gc = False`` in ``conf.py`` leaves the collector alone.
"""

from __future__ import annotations

import atexit
import gc
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: allocations between two collections of the youngest generation, during a build
YOUNG_THRESHOLD = 50_000

#: the thresholds before the build that is running, to give back when it ends
_saved: tuple[int, ...] | None = None
_exit_registered = False


def _tuned(app: Sphinx) -> bool:
    return bool(app.config.papershelf_tune_gc) and gc.isenabled()


def begin(app: Sphinx, config: Any) -> None:
    """Once the configuration is read, before a saved environment is loaded:
    loading one makes as many objects as reading every page did."""
    global _saved
    if not _tuned(app):
        return
    gc.freeze()
    if _saved is None:
        _saved = gc.get_threshold()
        young, *older = _saved
        gc.set_threshold(max(young, YOUNG_THRESHOLD), *older)


def freeze_long_lived(app: Sphinx) -> None:
    if _saved is not None:
        gc.freeze()


def freeze_after_reading(app: Sphinx, env: Any) -> None:
    """What was garbage while the pages were read is frozen with the rest
    (a collection first would walk the whole environment to find it); it is
    collected after the build like everything else."""
    if _saved is not None:
        gc.freeze()


def give_back(app: Sphinx, exception: Exception | None) -> None:
    global _saved, _exit_registered
    if _saved is None:
        return
    gc.unfreeze()
    gc.set_threshold(*_saved)
    _saved = None
    if not _exit_registered:
        _exit_registered = True
        atexit.register(gc.freeze)


def setup_collector(app: Sphinx) -> None:
    app.connect("config-inited", begin, priority=900)
    app.connect("builder-inited", freeze_long_lived, priority=900)
    app.connect("env-updated", freeze_after_reading, priority=900)
    app.connect("build-finished", give_back, priority=900)
