"""Venue strings, as the seed lists and the README write them."""

from __future__ import annotations

import re

import pytest

from conftest import SEEDS
from papershelf.venues import VENUE_KINDS, VenueParser, normalise_alias_table, parse_ratings, parse_venue

# Every venue string of the two seed lists: (name, kind, year, extras, ratings).
SEED_VENUES: dict[str, tuple] = {
    'AAAI 2025': ('AAAI', 'conference', 2025, (), ()),
    'AAAI2024': ('AAAI', 'conference', 2024, (), ()),
    'ACL 2024': ('ACL', 'conference', 2024, (), ()),
    'ACL Findings 2024': ('Findings of ACL', 'findings', 2024, (), ()),
    'AISTATS 2024': ('AISTATS', 'conference', 2024, (), ()),
    'Arxiv 2017': ('arXiv', 'preprint', 2017, (), ()),
    'Arxiv 2022': ('arXiv', 'preprint', 2022, (), ()),
    'Arxiv 2023.12': ('arXiv', 'preprint', 2023, (), ()),
    'Arxiv 2024.06': ('arXiv', 'preprint', 2024, (), ()),
    'Arxiv 2024.11': ('arXiv', 'preprint', 2024, (), ()),
    'Arxiv 2024.12': ('arXiv', 'preprint', 2024, (), ()),
    'Arxiv 2025.01': ('arXiv', 'preprint', 2025, (), ()),
    'Arxiv 2025.02': ('arXiv', 'preprint', 2025, (), ()),
    'Arxiv Apr 2023': ('arXiv', 'preprint', 2023, (), ()),
    'Arxiv April 2024': ('arXiv', 'preprint', 2024, (), ()),
    'Arxiv Aug 2023': ('arXiv', 'preprint', 2023, (), ()),
    'Arxiv Aug 2024': ('arXiv', 'preprint', 2024, (), ()),
    'Arxiv Dec 2024': ('arXiv', 'preprint', 2024, (), ()),
    'Arxiv Feb 2024': ('arXiv', 'preprint', 2024, (), ()),
    'Arxiv Jan 2024': ('arXiv', 'preprint', 2024, (), ()),
    'Arxiv Jan 2025': ('arXiv', 'preprint', 2025, (), ()),
    'Arxiv July 2023': ('arXiv', 'preprint', 2023, (), ()),
    'Arxiv Jun 2024': ('arXiv', 'preprint', 2024, (), ()),
    'Arxiv June 2024': ('arXiv', 'preprint', 2024, (), ()),
    'Arxiv Mar 2023': ('arXiv', 'preprint', 2023, (), ()),
    'Arxiv Mar 2024': ('arXiv', 'preprint', 2024, (), ()),
    'Arxiv March 2024': ('arXiv', 'preprint', 2024, (), ()),
    'Arxiv May 2023': ('arXiv', 'preprint', 2023, (), ()),
    'Arxiv May 2024': ('arXiv', 'preprint', 2024, (), ()),
    'Arxiv Nov 2023': ('arXiv', 'preprint', 2023, (), ()),
    'Arxiv Nov 2024': ('arXiv', 'preprint', 2024, (), ()),
    'Arxiv Oct 2023': ('arXiv', 'preprint', 2023, (), ()),
    'Arxiv Oct 2024': ('arXiv', 'preprint', 2024, (), ()),
    'Arxiv Sep 2024': ('arXiv', 'preprint', 2024, (), ()),
    'Arxiv September 2024': ('arXiv', 'preprint', 2024, (), ()),
    'COCONUT Arxiv Dec 2024, ICLR 2025 被拒，主要是因为相比于普通CoT会在GSM8K上掉点': ('arXiv', 'preprint', 2024, ('ICLR 2025: Rejected',), ()),
    'CVPR 2024': ('CVPR', 'conference', 2024, (), ()),
    'CVPR 2024 Workshop on Prompting in Vision': ('CVPR Workshop', 'workshop', 2024, ('Workshop on Prompting in Vision',), ()),
    'CVPR2023': ('CVPR', 'conference', 2023, (), ()),
    'CoCoOp, CVPR2022': ('CVPR', 'conference', 2022, (), ()),
    'ECCV 2024': ('ECCV', 'conference', 2024, (), ()),
    'EMNLP 2022': ('EMNLP', 'conference', 2022, (), ()),
    'EMNLP 2023': ('EMNLP', 'conference', 2023, (), ()),
    'EMNLP 2024 Findings': ('Findings of EMNLP', 'findings', 2024, (), ()),
    'Findings of ACL 2023': ('Findings of ACL', 'findings', 2023, (), ()),
    'ICCV 2023': ('ICCV', 'conference', 2023, (), ()),
    'ICCV2023': ('ICCV', 'conference', 2023, (), ()),
    'ICLR 2023': ('ICLR', 'conference', 2023, (), ()),
    'ICLR 2023 workshop': ('ICLR Workshop', 'workshop', 2023, (), ()),
    'ICLR 2024': ('ICLR', 'conference', 2024, (), ()),
    'ICLR 2024 Oral': ('ICLR', 'conference', 2024, ('Oral',), ()),
    'ICLR 2025': ('ICLR', 'conference', 2025, (), ()),
    'ICLR 2025 886': ('ICLR', 'conference', 2025, (), (8, 8, 6)),
    'ICLR 2025 8866': ('ICLR', 'conference', 2025, (), (8, 8, 6, 6)),
    'ICLR 2025 Ratings 10 8 6 6': ('ICLR', 'conference', 2025, (), (10, 8, 6, 6)),
    'ICLR 2025 Ratings 8665': ('ICLR', 'conference', 2025, (), (8, 6, 6, 5)),
    'ICLR 2025 Ratings 8866': ('ICLR', 'conference', 2025, (), (8, 8, 6, 6)),
    'ICLR 2025 Ratings: 8665': ('ICLR', 'conference', 2025, (), (8, 6, 6, 5)),
    'ICLR 2025 Ratings: 8666': ('ICLR', 'conference', 2025, (), (8, 6, 6, 6)),
    'ICLR 2025 Ratings: 8866': ('ICLR', 'conference', 2025, (), (8, 8, 6, 6)),
    'ICLR 2025 Ratings:8666': ('ICLR', 'conference', 2025, (), (8, 6, 6, 6)),
    'ICLR 2025 submission': ('ICLR', 'conference', 2025, ('Submission',), ()),
    'ICML 2023': ('ICML', 'conference', 2023, (), ()),
    'ICML 2024': ('ICML', 'conference', 2024, (), ()),
    'ICML 2024 ICL workshop': ('ICML Workshop', 'workshop', 2024, ('ICL workshop',), ()),
    'ICML 2024 workshop on ICL': ('ICML Workshop', 'workshop', 2024, ('Workshop on ICL',), ()),
    'MM 2024': ('ACM MM', 'conference', 2024, (), ()),
    'NAACL 2024': ('NAACL', 'conference', 2024, (), ()),
    'NIPS2023': ('NeurIPS', 'conference', 2023, (), ()),
    'NeurIPS 2017': ('NeurIPS', 'conference', 2017, (), ()),
    'NeurIPS 2019': ('NeurIPS', 'conference', 2019, (), ()),
    'NeurIPS 2022': ('NeurIPS', 'conference', 2022, (), ()),
    'NeurIPS 2023': ('NeurIPS', 'conference', 2023, (), ()),
    'NeurIPS 2024': ('NeurIPS', 'conference', 2024, (), ()),
    'NeurIPS 2024 DB track': ('NeurIPS', 'conference', 2024, ('Datasets and Benchmarks',), ()),
    'NeurIPS 2024 Workshop on Adaptive Foundation Models': ('NeurIPS Workshop', 'workshop', 2024, ('Workshop on Adaptive Foundation Models',), ()),
    'NeurIPS 2024 workshop': ('NeurIPS Workshop', 'workshop', 2024, (), ()),
    'TMLR 2024': ('TMLR', 'journal', 2024, (), ()),
    'arxiv 2022': ('arXiv', 'preprint', 2022, (), ()),
    'arxiv2023': ('arXiv', 'preprint', 2023, (), ()),
    'ongoing work': ('Ongoing work', 'preprint', None, (), ()),
}


def seed_venue_strings() -> set[str]:
    """Venues as the seed lists write them: in parentheses after a bold title
    (``**Title** (ICLR 2024)``), or after the last comma of a plain numbered
    item (``MaPLe: Multi-modal Prompt Learning, CVPR2023``)."""
    found: set[str] = set()
    for path in sorted(SEEDS.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            match = re.match(r"\s*\d+\.\s+\*\*.*?\*\*\s*[(（]([^)]*)\)", line)
            if match:
                found.add(match.group(1))
            match = re.match(r"\s*\d+\.\s+[^*\s].*,\s*([^,]+?)\s*$", line)
            if match:
                found.add(match.group(1))
    return found


def test_every_seed_venue_is_in_the_table():
    found = seed_venue_strings()
    assert len(found) > 80
    assert found <= set(SEED_VENUES), sorted(found - set(SEED_VENUES))


@pytest.mark.parametrize("raw", sorted(SEED_VENUES))
def test_seed_venue(raw):
    venue = parse_venue(raw)
    assert (venue.name, venue.kind, venue.year, venue.extras, venue.ratings) == SEED_VENUES[raw]
    assert venue.raw == raw
    assert venue.kind in VENUE_KINDS


@pytest.mark.parametrize(("raw", "label", "kind", "month"), [
    ("Arxiv Jan 2024", "arXiv 2024", "preprint", 1),
    ("Arxiv 2025.02", "arXiv 2025", "preprint", 2),
    ("arXiv 2024-12", "arXiv 2024", "preprint", 12),
    ("Arxiv September 2024", "arXiv 2024", "preprint", 9),
    ("CVPR2024", "CVPR 2024", "conference", None),
    ("NIPS2023", "NeurIPS 2023", "conference", None),
    ("nips 2023", "NeurIPS 2023", "conference", None),
    ("NeurIPS 2023", "NeurIPS 2023", "conference", None),
    ("Findings of ACL 2023", "Findings of ACL 2023", "findings", None),
    ("ACL Findings 2024", "Findings of ACL 2024", "findings", None),
    ("EMNLP 2024 Findings", "Findings of EMNLP 2024", "findings", None),
    ("ICML 2024 ICL workshop", "ICML Workshop 2024", "workshop", None),
    ("TMLR 2024", "TMLR 2024", "journal", None),
    ("IEEE Transactions on Widgets 2020", "IEEE Transactions on Widgets 2020", "journal", None),
    ("ongoing work", "Ongoing work", "preprint", None),
    ("", "", "none", None),
    ("   ", "", "none", None),
    ("Proceedings of Nowhere 2023", "Proceedings of Nowhere 2023", "unknown", None),
])
def test_shapes(raw, label, kind, month):
    venue = parse_venue(raw)
    assert (venue.label, venue.kind, venue.month) == (label, kind, month)


@pytest.mark.parametrize(("raw", "extras", "ratings"), [
    ("ICLR 2024 Oral", ("Oral",), ()),
    ("ICLR 2024, Oral", ("Oral",), ()),
    ("NeurIPS 2023 Spotlight", ("Spotlight",), ()),
    ("CVPR 2024 Highlight", ("Highlight",), ()),
    ("CVPR 2024 highlighted", ("Highlight",), ()),
    ("ICLR 2025 submission", ("Submission",), ()),
    ("ICLR 2025 rejected", ("Rejected",), ()),
    ("ICLR 2025 Ratings 8 6 6 5", (), (8, 6, 6, 5)),
    ("ICLR 2025 886", (), (8, 8, 6)),
    ("ICLR 2025 Ratings 10 8 6 6", (), (10, 8, 6, 6)),
    ("NeurIPS 2024 Workshop on Adaptive Foundation Models", ("Workshop on Adaptive Foundation Models",), ()),
    ("COCONUT Arxiv Dec 2024, ICLR 2025 被拒，主要是因为相比于普通CoT会在GSM8K上掉点",
     ("ICLR 2025: Rejected",), ()),
])
def test_extras_and_ratings(raw, extras, ratings):
    venue = parse_venue(raw)
    assert venue.extras == extras
    assert venue.ratings == ratings


def test_a_rejection_is_not_the_venue():
    venue = parse_venue("COCONUT Arxiv Dec 2024, ICLR 2025 被拒")
    assert (venue.name, venue.kind, venue.year, venue.month) == ("arXiv", "preprint", 2024, 12)


def test_aliases_do_not_match_inside_words():
    assert parse_venue("MMLU-Bench 2024").name != "ACM MM"
    assert parse_venue("Wacv-ish 2020").kind == "unknown"


@pytest.mark.parametrize(("text", "scores"), [
    ("8 6 6 5", (8, 6, 6, 5)), ("8,6,6,5", (8, 6, 6, 5)), ("8866", (8, 8, 6, 6)),
    ("10 8 6 6", (10, 8, 6, 6)), ("10866", (10, 8, 6, 6)), ("8/6/6", (8, 6, 6)),
    ("great", ()), ("", ()), ("11 3", ()), ("8 six", ()),
])
def test_parse_ratings(text, scores):
    assert parse_ratings(text) == scores


def test_site_aliases_extend_and_override_the_table():
    table, problems = normalise_alias_table({
        "MICCAI": ("MICCAI", "conference"),
        "MedIA": {"name": "Medical Image Analysis", "kind": "journal"},
        "NIPS": "NeurIPS (old)",
        "bad kind": ("X", "magazine"),
        "bad shape": 3,
        "": "empty",
    })
    assert table == {"MICCAI": ("MICCAI", "conference"),
                     "MedIA": ("Medical Image Analysis", "journal"),
                     "NIPS": ("NeurIPS (old)", "conference")}
    assert len(problems) == 3
    parser = VenueParser(table)
    assert parser.parse("MICCAI 2023").label == "MICCAI 2023"
    assert parser.parse("medIA 2022").kind == "journal"
    assert parser.parse("NIPS2019").name == "NeurIPS (old)"
    # the built-in table is untouched for other parsers
    assert parse_venue("NIPS2019").name == "NeurIPS"
    assert parse_venue("MICCAI 2023").kind == "unknown"


def test_the_alias_setting_must_be_a_dict():
    table, problems = normalise_alias_table(["MICCAI"])
    assert table == {} and "must be a dict" in problems[0]


def test_a_year_alone_and_scores_alone():
    assert (parse_venue("2024").name, parse_venue("2024").year) == ("", 2024)
    assert parse_venue("OpenReview Ratings 8866").ratings == (8, 8, 6, 6)
