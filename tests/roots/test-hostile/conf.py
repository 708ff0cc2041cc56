project = "Hostile"
extensions = ["myst_parser", "papershelf"]
myst_enable_extensions = ["dollarmath", "colon_fence"]
exclude_patterns = ["_build"]
html_theme = "basic"
