project = "Indexes"
extensions = ["myst_parser", "papershelf"]
exclude_patterns = ["_build"]
html_theme = "furo"
html_baseurl = "https://notes.example.org/"
