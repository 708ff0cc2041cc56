extensions = ["myst_parser", "papershelf"]
html_theme = "basic"
exclude_patterns = ["_build"]
papershelf_venue_aliases = {
    "MICCAI": ("MICCAI", "conference"),
    "Med Image Anal": {"name": "Medical Image Analysis", "kind": "journal"},
    "NIPS": "NeurIPS (old name)",
    "Broken": ("Broken", "magazine"),
}
suppress_warnings = ["papershelf.venue"]
