"""``python -m papershelf``, as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "papershelf", *args],
                          capture_output=True, text=True, timeout=60)


def test_venue_command():
    result = run("venue", "ICLR 2025 Ratings 8 6 6 5", "NIPS2023")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "'ICLR 2025 Ratings 8 6 6 5': ICLR 2025 [conference] ratings: 8 6 6 5",
        "'NIPS2023': NeurIPS 2023 [conference]",
    ]


def test_venue_command_json_and_aliases():
    result = run("venue", "--json", "--alias", "MICCAI=MICCAI:conference", "MICCAI 2023 Oral")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [{
        "raw": "MICCAI 2023 Oral", "name": "MICCAI", "kind": "conference", "year": 2023,
        "month": None, "extras": ["Oral"], "ratings": [], "label": "MICCAI 2023",
    }]


def test_bad_alias_is_a_usage_error():
    result = run("venue", "--alias", "MICCAI=MICCAI:magazine", "MICCAI 2023")
    assert result.returncode == 2
    assert "KIND one of conference" in result.stderr


def test_help_and_version():
    assert run().returncode == 2
    version = run("--version")
    assert version.returncode == 0 and version.stdout.startswith("papershelf ")
