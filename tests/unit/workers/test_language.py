"""Identifying languages in the worker: once per comment, and never failing the batch."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence

import pytest

from classifier.language import Identification, LanguageIdentifier
from service.domain import Classification, DetectedLanguage
from service.settings import Settings
from tests.unit.service.verdict.facts import comment
from tests.unit.workers.test_scoring import VERSION, TableScorer
from workers.language import accepted_languages, with_languages
from workers.model_cache import LoadedModel

EN = frozenset({"en"})


class Counting(LanguageIdentifier):
    """Names every text Dutch and counts the calls."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []

    def identify_many(
        self, texts: Sequence[str], settled: frozenset[str] = frozenset()
    ) -> list[Identification]:
        self.texts.extend(texts)
        return [Identification("nl", 0.97, len(text)) for text in texts]


class Broken(LanguageIdentifier):
    def identify_many(
        self, texts: Sequence[str], settled: frozenset[str] = frozenset()
    ) -> list[Identification]:
        raise OSError("model.npz.xz: no such file")


def test_with_languages_identifies_each_comment_once() -> None:
    body = "Goed artikel, maar ik mis een paar cijfers over de kleine ondernemers."
    results = [Classification("c1", {"spam": 0.1}, "v1")]
    identifier = Counting()
    [result] = with_languages(results, [comment(body)], identifier, EN)
    assert identifier.texts == [body]
    assert result.language == DetectedLanguage("nl", 0.97, len(body))
    assert result.scores == {"spam": 0.1}


def test_with_languages_keeps_the_scores_when_the_identifier_fails(
    caplog: pytest.LogCaptureFixture,
) -> None:
    results = [Classification("c1", {"spam": 0.1}, "v1")]
    with caplog.at_level(logging.WARNING, logger="workers.language"):
        assert with_languages(results, [comment()], Broken(), EN) == results
    assert "identifying the language of 1 comment(s) failed" in caplog.text


def test_with_languages_reads_nothing_when_any_language_is_accepted() -> None:
    results = [Classification("c1", {"spam": 0.1}, "v1")]
    identifier = Counting()
    assert with_languages(results, [comment()], identifier, frozenset({"*"})) == results
    assert identifier.texts == []


def test_accepted_languages_follow_the_setting_then_the_models_manifest() -> None:
    version = dataclasses.replace(VERSION, data_manifest={"languages": ["en", "de"]})
    model = LoadedModel(version, TableScorer([[0.0, 0.0]]))
    assert accepted_languages(Settings(), model) == {"en", "de"}
    assert accepted_languages(Settings(), None) == {"en"}
    assert accepted_languages(Settings(supported_languages=frozenset({"fr"})), model) == {"fr"}
