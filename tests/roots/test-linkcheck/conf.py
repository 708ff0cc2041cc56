extensions = ["myst_parser", "papershelf"]
exclude_patterns = ["_build"]
linkcheck_timeout = 5
linkcheck_retries = 1
