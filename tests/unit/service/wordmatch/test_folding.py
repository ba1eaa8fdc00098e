"""The offset-keeping fold behind watched-word matching."""

from __future__ import annotations

from service.wordmatch.folding import finish_quickly, fold, fold_entry, vocabulary_guess


def test_fold_entry_gives_the_words_an_entry_matches() -> None:
    assert fold_entry("  Kill-YOURSELF ") == "kill yourself"
    assert fold_entry("Fr33 M0ney!") == "free money"
    assert fold_entry("Straße") == "strasse"
    assert fold_entry("?!") == ""


def test_fold_keeps_each_letters_original_span() -> None:
    text = "Aß é"
    folded = fold(text)
    assert folded.text == "ass e"
    assert [text[s:e] for s, e in zip(folded.starts, folded.ends, strict=True)] == [
        "A", "ß", "ß", " ", "é",
    ]  # fmt: skip


def test_fold_leaves_numbers_alone_but_undoes_leet_in_words() -> None:
    assert fold("Up 200% on b1tc0in, $h!t").text == "up 200% on bitcoin, shit"


def test_collapse_counts_how_long_each_run_was() -> None:
    folded = fold("Soooo gooood").separate().collapse()
    assert folded.text == " so god "
    assert [folded.run(i) for i in range(len(folded.text))] == [1, 1, 4, 1, 1, 4, 1, 1]
    assert folded.span(2, 2) == (1, 5)  # the o stands for all four


def test_join_spaced_joins_single_letters_only() -> None:
    assert fold("f r e e and a u.s. citizen").join_spaced().text == "free and a u.s. citizen"


def test_vocabulary_guess_reads_masks_as_letters() -> None:
    guess = vocabulary_guess(["bitch", "butt", "shit", "slut"])
    assert guess("b**tch") == "bitch"
    assert guess("s**t") == "shit"  # the first in sorted order of those it can be
    assert guess("x**x") is None


def test_finish_quickly_gives_the_text_the_offset_keeping_fold_gives() -> None:
    guess = vocabulary_guess(["bitch", "fuck", "shit"])
    texts = [
        "", "plain words.", "  Leading and trailing  ", "b i t c h and a u.s. citizen",
        "f**k off, sh*t!", "Ünïcode ﬁne Straße b\u200bitch", "soooo gooood!!!", "$h!t @ss fr33",
        "x", "a\nb\tc", "—«»", "b.i.t.c.h-o.k", "\uff26\uff35\uff2c\uff2c width", "i a m",
    ]  # fmt: skip
    for text in texts:
        exact = fold(text).unmask(guess).join_spaced().separate().collapse()
        quick, spaced = finish_quickly(fold(text).text, guess)
        assert quick == exact.text, text
        assert spaced == bool(exact.spaced), text


def test_vocabulary_guess_prefers_words_that_are_entries_of_their_own() -> None:
    # "scam" is listed only inside the phrase "scam alert": alone it could never match.
    guess = vocabulary_guess(["scam", "alert", "scum"], entries={"scum"})
    assert guess("sc*m") == "scum"
