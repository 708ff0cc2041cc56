extensions = ["myst_parser", "sphinx_design", "papershelf"]
myst_enable_extensions = ["dollarmath"]
html_theme = "furo"
exclude_patterns = ["_build"]
