"""Identifying languages in the worker: once per comment, and never failing the batch."""

from __future__ import annotations

import logging

import pytest

from classifier.language import Identification, LanguageIdentifier
from service.domain import Classification, DetectedLanguage
from tests.unit.service.verdict.facts import comment
from workers.language import with_languages


class Counting(LanguageIdentifier):
    """Names every text Dutch and counts the calls."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []

    def identify(self, text: str) -> Identification:
        self.texts.append(text)
        return Identification("nl", 0.97, len(text))


class Broken(LanguageIdentifier):
    def identify(self, text: str) -> Identification:
        raise OSError("model.npz.xz: no such file")


def test_with_languages_identifies_each_comment_once() -> None:
    body = "Goed artikel, maar ik mis een paar cijfers over de kleine ondernemers."
    results = [Classification("c1", {"spam": 0.1}, "v1")]
    identifier = Counting()
    [result] = with_languages(results, [comment(body)], identifier)
    assert identifier.texts == [body]
    assert result.language == DetectedLanguage("nl", 0.97, len(body))
    assert result.scores == {"spam": 0.1}


def test_with_languages_keeps_the_scores_when_the_identifier_fails(
    caplog: pytest.LogCaptureFixture,
) -> None:
    results = [Classification("c1", {"spam": 0.1}, "v1")]
    with caplog.at_level(logging.WARNING, logger="workers.language"):
        assert with_languages(results, [comment()], Broken()) == results
    assert "identifying the language of 1 comment(s) failed" in caplog.text
