"""Unit tests of the hidden-test redaction used for feedback."""

from autograder.pipeline.redaction import HIDDEN_PLACEHOLDER, redact_traceback, split_hidden

SOURCE = """assert f(1) == 1
### BEGIN HIDDEN TESTS
assert f(2) == secret_value(2)
### END HIDDEN TESTS
print("done")"""


def test_split_hidden_keeps_visible_lines_and_marks_the_gap():
    visible, hidden = split_hidden(SOURCE)
    assert visible.splitlines() == ["assert f(1) == 1", HIDDEN_PLACEHOLDER, 'print("done")']
    assert "assert f(2) == secret_value(2)" in hidden


def test_redact_traceback_drops_quoted_hidden_lines_even_with_colours():
    frames = [
        "\x1b[0;31mAssertionError\x1b[0m Traceback",
        "Cell In[3], line 3\n      1 assert f(1) == 1\n----> 3 \x1b[38;5;28massert\x1b[39m f(2) == secret_value(2)",
        "AssertionError: ",
    ]
    redacted = redact_traceback(frames, split_hidden(SOURCE)[1])
    text = "\n".join(redacted)
    assert "secret_value" not in text
    assert "assert f(1) == 1" in text and "hidden test" in text
    assert redacted[0] == frames[0]
