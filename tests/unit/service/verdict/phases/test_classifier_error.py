from __future__ import annotations

from service.domain import Status
from service.verdict.phases.classifier_error import classifier_error
from service.verdict.pipeline import Say
from tests.unit.service.verdict.facts import facts


def test_classifier_error_sends_a_failed_classification_to_review() -> None:
    assert classifier_error(facts(error="model broke")) == Say(
        ("classifier_error",), Status.WITHHELD
    )


def test_classifier_error_has_no_say_about_a_scored_comment() -> None:
    assert classifier_error(facts(scores={"spam": 0.9999})) is None
