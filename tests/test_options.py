"""The ``paper`` directive's option block, read line by line (no Sphinx)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from papershelf.options import OptionBlock, Problem, read_options

#: The options of the ``paper`` directive, as the README lists them.
KNOWN = ("key", "authors", "venue", "year", "paper", "pdf", "code", "data", "project", "blog",
         "openreview", "slides", "video", "poster", "links", "tags", "status", "rating")

FIRST = 7  # the source line of the first content line in these tests


def read(*lines: str) -> OptionBlock:
    return read_options(list(lines), FIRST, KNOWN)


def lines_with_problems(block: OptionBlock) -> set[int]:
    return {problem.lineno for problem in block.problems}


# -- one option line, 50 ways -------------------------------------------------
#
# Each case is the `:venue:` line(s) as written, between `:year:` and `:tags:`
# lines and before `:code:`; what `venue` reads as (None: not applied); and
# whether the line must be reported.  The other options must always survive.

VENUE_LINES = [
    # written exactly as documented
    ([":venue: ICLR 2024"], "ICLR 2024", False),
    ([":venue:  ICLR 2024"], "ICLR 2024", False),
    ([":venue: ICLR: 2024 Oral"], "ICLR: 2024 Oral", False),
    ([":venue: ICLR 2024 # not a comment"], "ICLR 2024 # not a comment", False),
    ([":venue: https://example.org/a:b"], "https://example.org/a:b", False),
    ([":venue: \"ICLR\" 2024"], "\"ICLR\" 2024", False),
    ([":venue:"], "", False),
    # trailing spaces and tabs: trimmed silently
    ([":venue: ICLR 2024 "], "ICLR 2024", False),
    ([":venue: ICLR 2024\t"], "ICLR 2024", False),
    ([":venue: ICLR 2024 \t \r"], "ICLR 2024", False),
    # any other trailing whitespace: trimmed, and said
    ([":venue: ICLR 2024\u00a0"], "ICLR 2024", True),
    ([":venue: ICLR 2024\u200b"], "ICLR 2024", True),
    ([":venue: ICLR 2024\u3000"], "ICLR 2024", True),
    ([":venue: ICLR 2024\v"], "ICLR 2024", True),
    # odd whitespace after the colon
    ([":venue:\tICLR 2024"], "ICLR 2024", True),
    ([":venue:\t\tICLR 2024"], "ICLR 2024", True),
    ([":venue:\u00a0ICLR 2024"], "ICLR 2024", True),
    ([":venue: \u00a0ICLR 2024"], "ICLR 2024", True),
    ([":venue:\u200bICLR 2024"], "ICLR 2024", True),
    ([":venue:ICLR 2024"], "ICLR 2024", True),
    # odd whitespace inside the value
    ([":venue: ICLR\t2024"], "ICLR 2024", True),
    ([":venue: ICLR\v2024"], "ICLR 2024", True),
    ([":venue: ICLR\f2024"], "ICLR 2024", True),
    ([":venue: ICLR\u00a02024"], "ICLR 2024", True),
    ([":venue: ICLR\u20032024"], "ICLR 2024", True),
    ([":venue: ICLR\u30002024"], "ICLR 2024", True),
    ([":venue: ICLR\x00 2024"], "ICLR 2024", True),
    # around the name
    ([": venue: ICLR 2024"], "ICLR 2024", True),
    ([":venue : ICLR 2024"], "ICLR 2024", True),
    ([":\tvenue\t: ICLR 2024"], "ICLR 2024", True),
    ([":Venue: ICLR 2024"], "ICLR 2024", True),
    ([":VENUE: ICLR 2024"], "ICLR 2024", True),
    (["\t:venue: ICLR 2024"], "ICLR 2024", True),
    (["  :venue: ICLR 2024"], "ICLR 2024", True),
    (["\u3000:venue: ICLR 2024"], "ICLR 2024", True),
    # quotes
    ([":venue: \"ICLR 2024"], "\"ICLR 2024", True),
    ([":venue: 'ICLR 2024"], "'ICLR 2024", True),
    ([":venue: \"ICLR 2024\""], "ICLR 2024", True),
    ([":venue: 'ICLR 2024'"], "ICLR 2024", True),
    # YAML block indicators
    ([":venue: > ICLR 2024"], "> ICLR 2024", True),
    ([":venue: | ICLR 2024"], "| ICLR 2024", True),
    ([":venue: |"], "|", True),
    ([":venue: >", "  ICLR", "  2024"], "ICLR 2024", True),
    ([":venue: |", "  ICLR 2024"], "ICLR 2024", True),
    ([":venue: >-", "\tICLR 2024"], "ICLR 2024", True),
    # continuation lines
    ([":venue: ICLR", "  2024"], "ICLR 2024", True),
    ([":venue: ICLR", "\t2024"], "ICLR 2024", True),
    ([":venue:", "    ICLR 2024"], "ICLR 2024", True),
    # not applied
    ([":venu: ICLR 2024"], None, True),
    ([":venue ICLR 2024"], None, True),
    ([":venue=ICLR 2024"], None, True),
    ([":vneue: ICLR 2024"], None, True),
]


@pytest.mark.parametrize(("written", "value", "reported"), VENUE_LINES,
                         ids=[repr("\n".join(case[0])) for case in VENUE_LINES])
def test_one_option_line(written, value, reported):
    block = read(":year: 2024", ":tags: a, b", *written, ":code: https://example.org/code")
    others = {"year": "2024", "tags": "a, b", "code": "https://example.org/code"}
    assert {name: block.options[name] for name in others} == others, block.problems
    assert block.options.get("venue") == value
    venue_lines = set(range(FIRST + 2, FIRST + 2 + len(written)))
    reported_lines = lines_with_problems(block) & venue_lines
    assert bool(reported_lines) == reported, block.problems
    # nothing else is reported, and the body is empty
    assert lines_with_problems(block) <= venue_lines
    assert block.body == []
    if value is not None:
        assert block.option_lines["venue"] == FIRST + 2


def test_there_are_at_least_42_variants():
    assert len(VENUE_LINES) >= 42


def test_each_problem_says_what_was_done():
    messages = {line: read(line).problems[0].message for line in [
        ":venue:\tICLR", ":venue:ICLR", ": venue: ICLR", ":venu: ICLR", ":venue: \"ICLR",
        ":venue: > ICLR", ":Venue: ICLR", "\t:venue: ICLR", ":venue: ICLR\u00a0",
        ":venue: ICLR\v2024", ":venue ICLR"]}
    assert "tab after ':venue:' read as a space" in messages[":venue:\tICLR"]
    assert "no space after ':venue:': read as ':venue: ICLR'" in messages[":venue:ICLR"]
    assert "space between ':' and the name ignored" in messages[": venue: ICLR"]
    assert "did you mean :venue:?" in messages[":venu: ICLR"]
    assert "not applied" in messages[":venu: ICLR"]
    assert "unterminated quote" in messages[":venue: \"ICLR"]
    assert "kept as written" in messages[":venue: \"ICLR"]
    assert "starting with '>' kept as written" in messages[":venue: > ICLR"]
    assert ":Venue: read as :venue:" in messages[":Venue: ICLR"]
    assert "indentation (tab) ignored" in messages["\t:venue: ICLR"]
    assert "trailing no-break space removed" in messages[":venue: ICLR\u00a0"]
    assert "vertical tab in the value read as a space" in messages[":venue: ICLR\v2024"]
    assert "no ':' after the name" in messages[":venue ICLR"]


def test_one_problem_per_line_with_every_change():
    block = read("\t:venue:\u00a0ICLR\t2024\u00a0")
    assert block.options == {"venue": "ICLR 2024"}
    assert len(block.problems) == 1
    message = block.problems[0].message
    for said in ("indentation (tab)", "no-break space after ':venue:'", "tab in the value",
                 "trailing no-break space"):
        assert said in message


def test_unknown_name_far_from_any_lists_the_options():
    block = read(":zzzzqqq: 1")
    assert block.options == {}
    assert ":venue:" in block.problems[0].message and "zzzzqqq" in block.problems[0].message


# -- duplicates -----------------------------------------------------------------

def test_duplicate_option_first_wins():
    block = read(":venue: ICLR 2024", ":tags: a", ":venue: NeurIPS 2023")
    assert block.options == {"venue": "ICLR 2024", "tags": "a"}
    assert block.option_lines["venue"] == FIRST
    [problem] = block.problems
    assert problem.lineno == FIRST + 2
    assert "duplicate option :venue:" in problem.message
    assert f"first given on line {FIRST}" in problem.message
    assert "the first one is kept" in problem.message


def test_duplicate_in_another_spelling_is_a_duplicate():
    block = read(":venue: ICLR", ":Venue: NeurIPS")
    assert block.options == {"venue": "ICLR"}
    assert "duplicate option :venue:" in block.problems[0].message


def test_continuation_of_a_duplicate_is_not_applied():
    block = read(":authors: A", ":authors: B,", "  C", ":tags: t")
    assert block.options == {"authors": "A", "tags": "t"}
    assert lines_with_problems(block) == {FIRST + 1, FIRST + 2}


# -- where the block ends: blank lines, text, option-looking lines in the body -------

def test_option_after_a_blank_line_is_not_applied():
    block = read(":venue: ICLR", "", ":tags: a", "Summary.")
    assert block.options == {"venue": "ICLR"}
    assert block.body == [":tags: a", "Summary."]
    assert block.body_lineno == FIRST + 2
    [problem] = block.problems
    assert problem.lineno == FIRST + 2
    assert "option-looking line in the body: not applied; move it up to the option block" \
        in problem.message
    assert f"blank line {FIRST + 1}" in problem.message


def test_option_after_a_text_line_is_not_applied():
    block = read(":venue: ICLR", "Summary.", ":tags: a")
    assert block.options == {"venue": "ICLR"}
    assert block.body == ["Summary.", ":tags: a"]
    assert block.body_lineno == FIRST + 1
    [problem] = block.problems
    assert problem.lineno == FIRST + 2
    assert "not an option line" in problem.message


def test_option_after_a_leading_blank_line_is_not_applied():
    block = read("", ":venue: ICLR", "Summary.")
    assert block.options == {}
    assert block.body == [":venue: ICLR", "Summary."]
    assert lines_with_problems(block) == {FIRST + 1}


def test_messy_option_in_the_body_is_reported():
    block = read("Summary.", "", "\t: Venue :ICLR")
    assert block.options == {}
    assert lines_with_problems(block) == {FIRST + 2}


def test_options_of_nested_blocks_in_the_body_are_theirs():
    block = read(":venue: ICLR", "", "Summary.", "", "```{figure} x.png", ":width: 50%",
                 ":tags: not ours", "```", "", ":::{note}", ":venue: in a note", ":::",
                 "~~~~", ":year: 2020", "~~~~", ":status: read")
    assert block.options == {"venue": "ICLR"}
    # only the last line, outside every fence, is reported
    assert lines_with_problems(block) == {FIRST + 15}


def test_unknown_field_in_the_body_is_left_alone():
    block = read(":venue: ICLR", "", ":smile: a field list in the notes")
    assert block.problems == ()


def test_body_keeps_its_lines_and_first_line_number():
    block = read(":venue: ICLR", "", "", "Summary", "", "  indented notes  ")
    assert block.body == ["Summary", "", "  indented notes  "]
    assert block.body_lineno == FIRST + 3
    assert block.problems == ()


def test_no_options_at_all():
    block = read("Just a summary.", "", "Notes.")
    assert block.options == {} and block.problems == ()
    assert block.body == ["Just a summary.", "", "Notes."]
    assert block.body_lineno == FIRST


def test_empty_content():
    block = read()
    assert block == OptionBlock({}, {}, [], FIRST, ())


def test_colon_fence_is_not_an_option():
    block = read(":::{note}", "text", ":::")
    assert block.options == {} and block.problems == ()
    assert block.body[0] == ":::{note}"


def test_summary_right_after_the_options():
    block = read(":venue: ICLR", "Summary without a blank line.")
    assert block.options == {"venue": "ICLR"}
    assert block.body == ["Summary without a blank line."]
    assert block.problems == ()


def test_malformed_line_does_not_end_the_block():
    block = read(":venue ICLR", ":tags: a", ":nope: x", ":year: 2024")
    assert block.options == {"tags": "a", "year": "2024"}
    assert lines_with_problems(block) == {FIRST, FIRST + 2}


# -- continuation lines and block scalars ----------------------------------------

def test_continuation_lines_are_joined_with_a_space():
    block = read(":authors: Ada Lovelace,", "   Charles Babbage,", "\tAlan Turing", ":year: 1843")
    assert block.options == {"authors": "Ada Lovelace, Charles Babbage, Alan Turing",
                             "year": "1843"}
    assert lines_with_problems(block) == {FIRST + 1, FIRST + 2}
    assert all("continuation of :authors:" in p.message for p in block.problems)


def test_literal_block_scalar_keeps_lines():
    block = read(":links: |", "    Talk <https://a.example>", "", "    Demo <https://b.example>",
                 ":year: 2024", "", "Summary")
    assert block.options["links"] == "Talk <https://a.example>\n\nDemo <https://b.example>"
    assert block.options["year"] == "2024"
    [problem] = block.problems
    assert problem.lineno == FIRST
    assert f"lines {FIRST + 1}-{FIRST + 3}" in problem.message
    assert block.body == ["Summary"]


def test_folded_block_scalar_joins_lines():
    block = read(":venue: >", "  Findings of", "  ACL 2023")
    assert block.options == {"venue": "Findings of ACL 2023"}
    assert "YAML block scalar ('>'" in block.problems[0].message


def test_block_scalar_ends_before_trailing_blank_lines():
    block = read(":venue: |", "  ICLR", "", "Summary")
    assert block.options == {"venue": "ICLR"}
    assert block.body == ["Summary"]


# -- MyST's YAML block ------------------------------------------------------------

def test_yaml_block():
    block = read("---", "venue: ICLR 2024", "year: '2024'", "tags: [a, b]", "---", "", "Summary")
    assert block.options == {"venue": "ICLR 2024", "year": "2024", "tags": "a, b"}
    assert block.option_lines == {"venue": FIRST + 1, "year": FIRST + 2, "tags": FIRST + 3}
    assert block.body == ["Summary"] and block.body_lineno == FIRST + 6
    # the list is said, the rest is read as written
    assert lines_with_problems(block) == {FIRST + 3}


def test_yaml_scalars_stay_text():
    block = read("---", "status: yes", "year: 2024", "rating: 08", "key: null", "---")
    assert block.options == {"status": "yes", "year": "2024", "rating": "08", "key": "null"}
    assert block.problems == ()


def test_yaml_block_scalar():
    block = read("---", "links: |", "  Talk <https://a.example>", "  Demo <https://b.example>",
                 "---")
    assert block.options == {"links": "Talk <https://a.example>\nDemo <https://b.example>"}


def test_malformed_yaml_names_its_line():
    block = read("---", "venue: ICLR", "tags: [a, b", "year: 2024", "---", "Summary")
    assert block.options == {}
    [problem] = block.problems
    assert "not valid YAML" in problem.message
    assert FIRST + 1 <= problem.lineno <= FIRST + 4
    assert block.body == ["Summary"]


def test_malformed_yaml_mapping_line():
    block = read("---", "venue: ICLR", "  bad: indent: here", "---")
    assert block.options == {}
    assert block.problems[0].lineno == FIRST + 2


def test_yaml_that_is_not_a_mapping():
    block = read("---", "- venue", "- tags", "---")
    assert block.options == {}
    assert "not a list of 'name: value' lines" in block.problems[0].message


def test_yaml_unknown_duplicate_and_nested():
    block = read("---", "venue: ICLR", "venu: x", "venue: NeurIPS", "tags: {a: b}",
                 "Year: 2024", "---")
    assert block.options == {"venue": "ICLR", "year": "2024"}
    assert lines_with_problems(block) == {FIRST + 2, FIRST + 3, FIRST + 4, FIRST + 5}


def test_yaml_without_closing_line():
    block = read("---", "venue: ICLR", "", "Summary")
    assert block.options == {"venue": "ICLR"}
    assert "no closing '---'" in block.problems[0].message
    assert block.body == ["Summary"]


def test_yaml_closing_line_with_text():
    block = read("---", "venue: ICLR", "--- Summary on the closing line", "more")
    assert block.options == {"venue": "ICLR"}
    assert block.body == ["Summary on the closing line", "more"]
    assert block.body_lineno == FIRST + 2
    assert lines_with_problems(block) == {FIRST + 2}


def test_yaml_then_colon_options():
    block = read("---", "venue: ICLR", "---", ":tags: a", "", "Summary")
    assert block.options == {"venue": "ICLR", "tags": "a"}
    assert block.problems == ()


@pytest.mark.parametrize("text", ["!!python/object:os.system ls", "&a [*a]", "{", "\t- x",
                                  "venue: !!binary aGk=", "? [a]\n: b", "a: *nope"])
def test_hostile_yaml_never_raises(text):
    block = read("---", *text.split("\n"), "---", "Summary")
    assert block.body == ["Summary"]
    assert all(isinstance(problem, Problem) for problem in block.problems)


# -- the property: every well-formed option applied, every other line reported ---------

NAMES = st.sampled_from(KNOWN)
VALUE = st.text(alphabet="abcXYZ019 .,-/()&:#", min_size=1, max_size=12).map(str.strip).filter(
    lambda value: value and not value.startswith(":"))
SPACES = st.sampled_from(["\t", "\u00a0", "\u2003", "\u3000", "\v", "\f", "\u200b"])


@st.composite
def option_line(draw):
    """(line, name, value, reported) of an option line that is applied."""
    name, value = draw(NAMES), draw(VALUE)
    kind = draw(st.sampled_from(["plain", "trailing", "after colon", "no space", "before name",
                                 "after name", "indent", "inside", "case", "loud trailing"]))
    odd = draw(SPACES)
    if kind == "plain":
        return f":{name}: {value}", name, value, False
    if kind == "trailing":
        return f":{name}: {value}{draw(st.sampled_from([' ', chr(9), ' ' + chr(9)]))}", \
            name, value, False
    if kind == "after colon":
        return f":{name}:{odd}{value}", name, value, True
    if kind == "no space":
        return f":{name}:{value}", name, value, True
    if kind == "before name":
        return f":{odd}{name}: {value}", name, value, True
    if kind == "after name":
        return f":{name}{odd}: {value}", name, value, True
    if kind == "indent":
        return f"{odd}:{name}: {value}", name, value, True
    if kind == "inside":
        if " " not in value or odd == "\u200b":
            return f":{name}: {value}", name, value, False
        return f":{name}: {value.replace(' ', odd, 1)}", name, value, True
    if kind == "case":
        return f":{name.upper()}: {value}", name, value, name.upper() != name
    return f":{name}: {value}{odd}", name, value, odd != "\t"  # a trailing tab is quiet


JUNK = st.one_of(
    st.builds(lambda v: f":nosuchoption: {v}", VALUE),
    st.builds(lambda n, v: f":{n} {v}", NAMES, VALUE),
    st.builds(lambda n, v: f":{n}={v}", NAMES, VALUE),
    st.builds(lambda n, v: f":{n[:-1]}x: {v}", NAMES, VALUE),
)


@st.composite
def option_block(draw):
    """Lines, the options they must give, and the lines that must be reported."""
    lines: list[str] = []
    expected: dict[str, str] = {}
    reported: set[int] = set()
    silent: set[int] = set()
    for _ in range(draw(st.integers(0, 12))):
        index = FIRST + len(lines)
        if draw(st.integers(0, 3)) == 0:
            lines.append(draw(JUNK))
            reported.add(index)
            continue
        line, name, value, loud = draw(option_line())
        lines.append(line)
        if name in expected:
            reported.add(index)  # a duplicate: the first one wins
            continue
        expected[name] = value
        (reported if loud else silent).add(index)
    ending = draw(st.sampled_from(["", "Summary line.", None]))
    if ending is not None:
        lines.append(ending)
        silent.add(FIRST + len(lines) - 1)
        for _ in range(draw(st.integers(0, 3))):
            line, *_ = draw(option_line())
            lines.append(line)
            reported.add(FIRST + len(lines) - 1)
            if draw(st.booleans()):
                lines.append("Some text.")
                silent.add(FIRST + len(lines) - 1)
    return lines, expected, reported, silent


@settings(max_examples=400, deadline=None)
@given(option_block())
def test_property_every_option_applied_every_other_line_reported(case):
    lines, expected, reported, silent = case
    block = read_options(lines, FIRST, KNOWN)
    assert block.options == expected
    problem_lines = lines_with_problems(block)
    assert reported <= problem_lines
    assert not (silent & problem_lines)
    assert problem_lines <= set(range(FIRST, FIRST + len(lines)))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=30), max_size=12), st.integers(1, 10_000))
def test_property_any_text_is_read_without_raising(lines, first):
    block = read_options(lines, first, KNOWN)
    assert set(block.options) <= set(KNOWN)
    assert set(block.option_lines) == set(block.options)
    assert all(first <= problem.lineno < first + max(len(lines), 1) for problem in block.problems)
    # the body is the tail of the content (or starts with the text after a closing ---)
    assert block.body == lines[len(lines) - len(block.body):] or lines[0].startswith("---")


def test_the_space_characters_are_every_unicode_whitespace():
    """The reader strips with one string of every whitespace character (and
    the zero-width ones); no character above U+3000 is whitespace."""
    from papershelf import options

    every = {chr(code) for code in range(0x110000) if chr(code).isspace()} | set(options._INVISIBLE)
    assert set(options._SPACES) == every
