extensions = ["myst_parser", "papershelf"]
myst_enable_extensions = ["dollarmath"]
html_theme = "basic"
exclude_patterns = ["_build"]
