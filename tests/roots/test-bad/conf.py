extensions = ["myst_parser", "papershelf"]
html_theme = "basic"
exclude_patterns = ["_build"]
myst_heading_anchors = 2
