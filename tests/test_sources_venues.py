"""Venue names as DBLP, Semantic Scholar and Crossref write them map to the canonical venue."""

from __future__ import annotations

import pytest

from papershelf.venues import get_parser


@pytest.mark.parametrize("text, name, kind, year", [
    # Semantic Scholar's venue and publicationVenue.name
    ("International Conference on Learning Representations", "ICLR", "conference", None),
    ("Neural Information Processing Systems", "NeurIPS", "conference", None),
    ("International Conference on Machine Learning", "ICML", "conference", None),
    ("Annual Meeting of the Association for Computational Linguistics", "ACL", "conference", None),
    ("Conference on Empirical Methods in Natural Language Processing", "EMNLP", "conference", None),
    ("North American Chapter of the Association for Computational Linguistics", "NAACL", "conference", None),
    ("Computer Vision and Pattern Recognition", "CVPR", "conference", None),
    ("IEEE International Conference on Computer Vision", "ICCV", "conference", None),
    ("European Conference on Computer Vision", "ECCV", "conference", None),
    ("AAAI Conference on Artificial Intelligence", "AAAI", "conference", None),
    ("International Joint Conference on Artificial Intelligence", "IJCAI", "conference", None),
    ("Trans. Mach. Learn. Res.", "TMLR", "journal", None),
    ("IEEE Transactions on Pattern Analysis and Machine Intelligence", "TPAMI", "journal", None),
    ("Transactions of the Association for Computational Linguistics", "TACL", "journal", None),
    ("Journal of Machine Learning Research", "JMLR", "journal", None),
    ("arXiv.org", "arXiv", "preprint", None),
    ("ArXiv", "arXiv", "preprint", None),
    # DBLP's short names
    ("ICLR", "ICLR", "conference", None),
    ("NeurIPS", "NeurIPS", "conference", None),
    ("ACL (1)", "ACL", "conference", None),
    ("ECCV (12)", "ECCV", "conference", None),
    ("NAACL-HLT", "NAACL", "conference", None),
    ("NAACL-HLT (1)", "NAACL", "conference", None),
    ("ACL (Findings)", "Findings of ACL", "findings", None),
    ("EMNLP (Findings)", "Findings of EMNLP", "findings", None),
    ("IEEE Trans. Pattern Anal. Mach. Intell.", "TPAMI", "journal", None),
    ("Int. J. Comput. Vis.", "IJCV", "journal", None),
    ("CoRR", "arXiv", "preprint", None),
    # Crossref's container-title
    ("Advances in Neural Information Processing Systems 36", "NeurIPS", "conference", None),
    ("Proceedings of the 61st Annual Meeting of the Association for Computational Linguistics "
     "(Volume 1: Long Papers)", "ACL", "conference", None),
    ("Proceedings of the 2023 Conference on Empirical Methods in Natural Language Processing",
     "EMNLP", "conference", 2023),
    ("Proceedings of the 2019 Conference of the North American Chapter of the Association for "
     "Computational Linguistics: Human Language Technologies, Volume 1 (Long and Short Papers)",
     "NAACL", "conference", 2019),
    ("Findings of the Association for Computational Linguistics: EMNLP 2023", "Findings of EMNLP", "findings", 2023),
    ("Findings of the Association for Computational Linguistics: ACL 2023", "Findings of ACL", "findings", 2023),
    ("2023 IEEE/CVF Conference on Computer Vision and Pattern Recognition (CVPR)", "CVPR", "conference", 2023),
    ("2023 IEEE/CVF International Conference on Computer Vision (ICCV)", "ICCV", "conference", 2023),
    ("2023 IEEE/CVF Conference on Computer Vision and Pattern Recognition Workshops (CVPRW)",
     "CVPR Workshop", "workshop", 2023),
    ("Proceedings of the AAAI Conference on Artificial Intelligence", "AAAI", "conference", None),
    ("IEEE Transactions on Image Processing", "TIP", "journal", None),
    ("2024 IEEE International Conference on Robotics and Automation (ICRA)", "ICRA", "conference", 2024),
])
def test_full_venue_names(text, name, kind, year):
    venue = get_parser().parse(text)
    assert (venue.name, venue.kind, venue.year) == (name, kind, year)


def test_short_forms_people_write_are_unchanged():
    parser = get_parser()
    assert parser.parse("ICLR 2025 Ratings 8 6 6 5").label == "ICLR 2025"
    assert parser.parse("Findings of ACL 2023").name == "Findings of ACL"
    assert parser.parse("Arxiv Jan 2024").kind == "preprint"
    # a word that merely contains an alias is not that venue
    assert parser.parse("Correlation Workshop").name != "arXiv"
