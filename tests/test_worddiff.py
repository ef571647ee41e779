"""Word-level diff: tokens, exact rebuild of both texts, difflib without autojunk, cleanup, counts."""

from __future__ import annotations

import itertools
import random
from difflib import SequenceMatcher

from hypothesis import given, settings
from hypothesis import strategies as st

from reviewtool.diff.word_diff import word_diff
from reviewtool.diff.word_matching import longest_increasing_run
from reviewtool.diff.word_ops import WordDiff, inline_segments
from reviewtool.diff.word_tokens import tokenize
from reviewtool.draft.document import count_words

# Text built from pieces that exercise words, punctuation, Markdown markup,
# every kind of whitespace run and non-ASCII letters.
_PIECES = ["the", "a", "cat", "sat", "mat", "don't", "well-known", "Ünïcode", "42", ".", ",", "!", "?",
           "*", "_", "#", "`", "[", "]", "(", ")", "-", "--}", "{++", " ", "  ", "\n", "\n\n", "\t", "\u00a0"]
prose = st.lists(st.sampled_from(_PIECES), max_size=60).map("".join)
any_text = st.one_of(prose, st.text(max_size=80))


def redline(d: WordDiff) -> str:
    """A compact [-old-]{+new+} rendering for readable assertions."""
    out = []
    for kind, text in inline_segments(d.ops):
        out.append(text if kind == "equal" else f"[-{text}-]" if kind == "delete" else f"{{+{text}+}}")
    return "".join(out)


def changes(d: WordDiff) -> list[tuple[str, str, str]]:
    return [(op.op, op.old, op.new) for op in d.ops if op.op != "equal"]


# ---------------------------------------------------------------- tokens


def test_tokenize_splits_words_punctuation_and_whitespace():
    assert tokenize("Don't stop-gap *now*,  ok?\n") == [
        "Don't", " ", "stop-gap", " ", "*", "now", "*", ",", "  ", "ok", "?", "\n"]
    assert tokenize("") == []
    assert tokenize("__init__") == ["_", "_", "init", "_", "_"]


@given(any_text)
def test_tokenize_round_trip(text):
    tokens = tokenize(text)
    assert "".join(tokens) == text
    assert all(tokens)


def test_count_words_ignores_punctuation_and_markup():
    assert count_words("**Hello**, world -- it's a well-known fact!") == 6
    assert count_words("... --- ***") == 0


# ---------------------------------------------------------------- exact rebuild


@settings(max_examples=300, deadline=None)
@given(any_text, any_text)
def test_ops_rebuild_both_texts_exactly(old, new):
    d = word_diff(old, new)
    assert d.old_text() == old
    assert d.new_text() == new
    assert "".join(op.old for op in d.raw_ops) == old
    assert "".join(op.new for op in d.raw_ops) == new
    for k, op in enumerate(d.ops):
        assert op.op in ("equal", "insert", "delete", "replace")
        assert op.old or op.new
        if op.op == "equal":
            # Equal operations may differ only in whitespace.
            assert "".join(op.old.split()) == "".join(op.new.split())
        if op.op == "insert":
            assert op.old == "" and op.new
        if op.op == "delete":
            assert op.new == "" and op.old
        if k:
            # Operations alternate: no two equal (or two changed) neighbours.
            assert (op.op == "equal") != (d.ops[k - 1].op == "equal")
    assert d.words_old == count_words(old)
    assert d.words_new == count_words(new)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=80), st.randoms(use_true_random=False))
def test_small_edits_rebuild_and_count(pieces, rnd):
    old = "".join(pieces)
    edited = list(pieces)
    for _ in range(3):
        k = rnd.randrange(len(edited) + 1)
        edited.insert(k, rnd.choice(["zebra", " ", "quux"]))
    new = "".join(edited)
    d = word_diff(old, new)
    assert (d.old_text(), d.new_text()) == (old, new)
    assert d.words_added <= count_words(new) and d.words_removed <= count_words(old)
    assert d.words_new - d.words_old == d.words_added - d.words_removed


def test_identical_and_whitespace_only_changes_are_equal():
    d = word_diff("Same words here.", "Same words here.")
    assert d.is_equal and d.words_added == d.words_removed == 0 and d.changed_share == 0.0
    d = word_diff("Same  words\nhere.\n", "Same words here.\n\n")
    assert d.is_equal
    assert (d.old_text(), d.new_text()) == ("Same  words\nhere.\n", "Same words here.\n\n")
    assert word_diff("", "").ops == []


# ---------------------------------------------------------------- difflib behaviour


def test_function_words_still_anchor_matches_autojunk_off():
    # No token occurs once: there is nothing for unique-token anchoring, so the
    # whole text goes to difflib. Over 200 tokens, with autojunk "the" would be
    # "popular" and could never match; with autojunk off every "the" matches.
    words = [f"w{i % 60}" for i in range(120)]
    old_tokens = [t for w in words for t in ("the", w)]
    new_tokens = list(old_tokens)
    new_tokens[101] = "changed"
    old, new = " ".join(old_tokens), " ".join(new_tokens)

    junky = SequenceMatcher(None, old_tokens, new_tokens)  # autojunk=True (difflib's default)
    junky_changed = sum(i2 - i1 for tag, i1, i2, _, _ in junky.get_opcodes() if tag != "equal")
    assert junky_changed > 10  # the default really does degrade on this input

    d = word_diff(old, new)
    assert d.words_removed == 1 and d.words_added == 1
    assert changes(d) == [("replace", old_tokens[101], "changed")]


def test_long_texts_with_scattered_edits_are_minimal():
    rng = random.Random(7)
    vocab = ["the", "of", "and", "model", "search", "objective", "a", "to", "training", "we"]
    old_words = [rng.choice(vocab) + str(rng.randrange(40)) if rng.random() < 0.5 else rng.choice(vocab)
                 for _ in range(3000)]
    new_words = list(old_words)
    for k in range(100, 3000, 300):
        new_words[k] = "EDITED"
    d = word_diff(" ".join(old_words), " ".join(new_words))
    assert d.words_removed == 10 and d.words_added == 10
    assert d.new_text() == " ".join(new_words)


# ---------------------------------------------------------------- cleanup


def test_word_level_not_character_level():
    d = word_diff("The author argues that the plan failed to consider costs.",
                  "The author claims that the plan did not weigh costs.")
    assert redline(d) == ("The author [-argues-]{+claims+} that the plan "
                          "[-failed to consider-]{+did not weigh+} costs.")
    assert (d.words_removed, d.words_added) == (4, 4)


def test_one_word_island_is_merged_into_the_replacement():
    d = word_diff("We saw that the big cat sat on the mat today.",
                  "We saw that the small cat lay on the mat today.")
    assert changes(d) == [("replace", "big cat sat", "small cat lay")]
    # The counts measure the edit, not the merged display: "cat" did not change.
    assert (d.words_removed, d.words_added) == (2, 2)
    assert [op.op for op in d.raw_ops] == ["equal", "replace", "equal", "replace", "equal"]


def test_stopword_and_punctuation_islands_are_merged():
    d = word_diff("Then alpha of the beta went home early.", "Then gamma of the delta went home early.")
    assert changes(d) == [("replace", "alpha of the beta", "gamma of the delta")]
    d = word_diff("We need red, green and blue paint now.", "We need cyan; green and navy paint now.")
    assert ("replace", "red,", "cyan;") in changes(d)  # "," vs ";" and the word merge
    d = word_diff("It cost thirty (30) dollars in total here.", "It cost forty (40) dollars in total here.")
    assert changes(d) == [("replace", "thirty (30", "forty (40")]


def test_content_words_between_changes_stay_equal():
    d = word_diff("We saw alpha near green hills beta today.", "We saw gamma near green hills delta today.")
    assert redline(d) == "We saw [-alpha-]{+gamma+} near green hills [-beta-]{+delta+} today."


def test_islands_never_join_changes_across_paragraphs():
    d = word_diff("First paragraph ends here alpha\n\nbeta starts the next one.",
                  "First paragraph ends here gamma\n\ndelta starts the next one.")
    assert changes(d) == [("replace", "alpha", "gamma"), ("replace", "beta", "delta")]


def test_mostly_rewritten_sentence_is_replaced_whole():
    d = word_diff("The quick brown fox jumps over the lazy dog. It was fun.",
                  "A slow red hen walks under an active cat. It was fun.")
    assert redline(d) == ("[-The quick brown fox jumps over the lazy dog.-]"
                          "{+A slow red hen walks under an active cat.+} It was fun.")
    # Raw counts: "over"->"under" etc. are real word changes; "the" is no longer shared.
    assert d.words_removed == d.words_added == 9


def test_lightly_edited_sentence_is_not_replaced_whole():
    d = word_diff("The quick brown fox jumps over the lazy dog.", "The quick red fox jumps over the lazy dog.")
    assert changes(d) == [("replace", "brown", "red")]


def test_rewrite_is_decided_per_sentence():
    old = "Keep this sentence exactly as it is. Alpha beta gamma delta epsilon. Keep this one too."
    new = "Keep this sentence exactly as it is. One two three four epsilon. Keep this one too."
    d = word_diff(old, new)
    assert changes(d) == [("replace", "Alpha beta gamma delta epsilon.", "One two three four epsilon.")]
    assert redline(d).startswith("Keep this sentence exactly as it is. [-")
    assert redline(d).endswith("+} Keep this one too.")


# ---------------------------------------------------------------- counts and display


def test_counts_and_changed_share():
    d = word_diff("one two three four", "one two five four six")
    assert (d.words_old, d.words_new) == (4, 5)
    assert (d.words_removed, d.words_added) == (1, 2)
    assert d.changed_words == 2
    assert d.changed_share == 2 / 5
    assert word_diff("", "brand new text").changed_share == 1.0
    assert word_diff("all gone now", "").to_dict()["changed_share"] == 1.0


def test_punctuation_changes_are_changes_but_not_words():
    d = word_diff("Hello, world!", "Hello; world?")
    assert not d.is_equal
    assert d.words_added == d.words_removed == 0
    assert changes(d) == [("replace", ",", ";"), ("replace", "!", "?")]


def test_insertion_and_deletion_at_the_edges():
    d = word_diff("the middle words stay right here", "New start the middle words stay right here and end")
    assert redline(d) == "{+New start+} the middle words stay right here {+and end+}"
    d = word_diff("  leading and trailing  ", "leading")
    assert d.old_text() == "  leading and trailing  " and d.new_text() == "leading"
    assert (d.words_removed, d.words_added) == (2, 0)


def test_inline_segments_keep_the_space_beside_a_deletion():
    assert redline(word_diff("a b c", "a c")) == "a [-b-] c"
    assert redline(word_diff("keep this drop", "keep this")) == "keep this [-drop-]"


def test_to_dict_shape():
    data = word_diff("one two", "one three").to_dict()
    assert set(data) == {"words_added", "words_removed", "words_old", "words_new", "changed_share", "ops"}
    assert data["ops"] == [{"op": "equal", "old": "one ", "new": "one "},
                           {"op": "replace", "old": "two", "new": "three"}]


def test_edits_next_to_line_breaks_are_word_precise():
    # Units are cut at spaces first; a unit holding a line break is re-diffed by token.
    d = word_diff("\nimagine this now", "\nthe imagine this now")
    assert changes(d) == [("insert", "", "the")]
    assert redline(d) == "\n{+the+} imagine this now"
    assert (d.words_added, d.words_removed) == (1, 0)
    d = word_diff("keep them before\n\nNext paragraph here.", "keep them\n\nNext paragraph here.")
    assert (d.words_added, d.words_removed) == (0, 1)
    assert d.new_text() == "keep them\n\nNext paragraph here."
    d = word_diff("double  spaced   words here", "double spaced words here")
    assert d.is_equal


# ---------------------------------------------------------------- pure insertions and deletions


def test_lines_inserted_before_a_sentence_do_not_show_it_removed():
    # Found on the RFC corpus (text/3537-msrv-resolver.md, 9b2846cc): three list items added
    # before an unchanged one were shown as that item removed and added again
    # ("[-- `X=rust-version` implies ...-]{+- `X` is used ... - `X=rust-version` implies ...+}"),
    # while the counts rightly said "+36 -0".
    old = ("- The resolver doesn't support backtracking as that is extra complexity.\n"
           "- `PRECEDENCE=rust-version` implies maximal resolution among compatible dependencies."
           "   Generally MSRV doesn't decrease over versions.\n"
           "  - `cargo add` helps by selecting minimum bounds\n")
    new = ("- The resolver doesn't support backtracking as that is extra complexity.\n"
           "- `PRECEDENCE` is used, rather than a CLI option\n"
           "  - This is unlikely to be used in one-off cases but across whole interactions which is "
           "better suited for config / env variables, rather than CLI options\n"
           "  - Minimize CLI clutter\n"
           "- `PRECEDENCE=rust-version` implies maximal resolution among compatible dependencies."
           "   Generally MSRV doesn't decrease over versions.\n"
           "  - `cargo add` helps by selecting minimum bounds\n")
    d = word_diff(old, new)
    assert d.words_removed == 0
    assert all(not op.old.strip() for op in d.ops if op.op != "equal"), changes(d)
    assert "[-" not in redline(d)
    assert "implies maximal resolution among compatible dependencies." in "".join(
        op.new for op in d.ops if op.op == "equal")


def test_a_sentence_only_shortened_is_not_shown_rewritten():
    d = word_diff("Keep this. Alpha beta gamma delta epsilon zeta eta theta iota kappa end. Keep that.",
                  "Keep this. Alpha end. Keep that.")
    assert d.words_added == 0
    assert "{+" not in redline(d), redline(d)


def sentences(words: list[str]):
    sentence = st.lists(st.sampled_from(words), min_size=1, max_size=12).map(lambda ws: " ".join(ws) + ".")
    return st.lists(sentence, min_size=1, max_size=6)


@given(sentences(["alpha", "beta", "gamma", "delta", "cargo", "rust", "the", "a", "of", "version"]),
       sentences(["zeta", "theta", "kappa", "lambda", "mu"]),
       st.integers(min_value=0, max_value=6), st.sampled_from([" ", "\n", "\n\n", "\n- "]))
def test_pure_insertions_and_deletions_never_show_the_other_side(base, extra, at, sep):
    """Sentences only added (words the text did not have) never show anything removed, and
    sentences only removed nothing added, whatever the rewrite rule makes of the sentences
    around them."""
    at = min(at, len(base))
    old = sep.join(base)
    new = sep.join(base[:at] + extra + base[at:])
    for a, b in ((old, new), (new, old)):
        d = word_diff(a, b)
        kinds = {kind for kind, _ in inline_segments(d.ops)}
        if d.words_removed == 0:
            assert "delete" not in kinds or all(not t.strip(" \n.") for k, t in inline_segments(d.ops)
                                                if k == "delete"), redline(d)
        if d.words_added == 0:
            assert "insert" not in kinds or all(not t.strip(" \n.") for k, t in inline_segments(d.ops)
                                                if k == "insert"), redline(d)


@given(st.lists(st.integers(0, 30), min_size=1, max_size=40))
def test_longest_increasing_run_is_a_longest_strictly_increasing_subsequence(values: list[int]):
    run = longest_increasing_run(values)
    assert run == sorted(set(run)) and all(0 <= n < len(values) for n in run)
    assert all(values[m] < values[n] for m, n in itertools.pairwise(run))
    # The longest length, by the quadratic recurrence.
    best = [1] * len(values)
    for i in range(len(values)):
        for j in range(i):
            if values[j] < values[i]:
                best[i] = max(best[i], best[j] + 1)
    assert len(run) == max(best)


def test_longest_increasing_run_keeps_the_run_ending_earliest():
    assert longest_increasing_run([5]) == [0]
    assert longest_increasing_run([3, 1, 2]) == [1, 2]
    assert longest_increasing_run([1, 1, 1]) == [2]
    assert longest_increasing_run([4, 9, 1, 2, 3, 8, 7]) == [2, 3, 4, 6]  # 1, 2, 3, 7
