"""The comparison's arithmetic and the labels a moderator's decision implies."""

from __future__ import annotations

import dataclasses

import pytest

from service.comparison import Tally
from service.domain import Status, Verdict
from service.domain.labels import LABELS, LabelledScores, decision_labels
from service.settings import LabelThreshold, Settings

LOW, WITHHOLD, REJECT = {"spam": 0.1}, {"spam": 0.6}, {"spam": 0.995}
# A comment whose text backs an automatic spam rejection (a messaging app and a phone number).
PITCH = "Message my manager on WhatsApp +1 555 010 0199"


def _item(
    decision: Status,
    champion: dict[str, float],
    challenger: dict[str, float],
    body: str = PITCH,
) -> LabelledScores:
    return LabelledScores("c", decision, (), champion, challenger, body=body)


def test_tally_holds_a_reject_score_without_evidence_in_the_text() -> None:
    tally = Tally(Settings(), "v2", "v1")

    tally.add(_item(Status.APPROVED, REJECT, REJECT, body="A long, clean comment about ETFs."))
    verdicts = tally.finish().verdicts

    assert verdicts["champion"][Verdict.WITHHOLD] == verdicts["challenger"][Verdict.WITHHOLD] == 1


def test_decision_labels_approve_is_negative_for_every_label() -> None:
    assert decision_labels(Status.APPROVED, ["moderator"]) == dict.fromkeys(LABELS, 0)


def test_decision_labels_spam_is_positive_spam_and_silent_on_the_rest() -> None:
    labels = decision_labels(Status.SPAM, ["moderator"])

    assert labels["spam"] == 1
    assert {labels[label] for label in LABELS[1:]} == {None}


def test_decision_labels_reject_marks_its_reasons_and_is_not_spam() -> None:
    labels = decision_labels(Status.REJECTED, ["insult"])

    assert (labels["insult"], labels["toxic"], labels["spam"]) == (1, 1, 0)
    assert labels["threat"] is None


def test_decision_labels_reject_for_spam_is_positive_spam() -> None:
    assert decision_labels(Status.REJECTED, ["spam"])["spam"] == 1


@pytest.mark.parametrize(
    ("decision", "champion", "challenger", "toward"),
    [
        (Status.APPROVED, WITHHOLD, LOW, True),  # held → approved, as the moderator did
        (Status.APPROVED, LOW, REJECT, False),  # approved → rejected, against the moderator
        (Status.SPAM, LOW, WITHHOLD, True),  # a published spam now held
        (Status.SPAM, REJECT, WITHHOLD, False),  # a caught spam now merely held
    ],
)
def test_tally_sorts_changed_verdicts_by_the_moderators_decision(
    decision: Status, champion: dict[str, float], challenger: dict[str, float], toward: bool
) -> None:
    tally = Tally(Settings(), "v2", "v1")

    tally.add(_item(decision, champion, challenger))
    result = tally.finish()

    assert (result.compared, result.changed) == (1, 1)
    assert (result.toward_moderator, result.away_from_moderator) == (int(toward), int(not toward))


def test_tally_counts_verdicts_and_agreement() -> None:
    tally = Tally(Settings(), "v2", "v1")

    tally.add(_item(Status.APPROVED, LOW, LOW))
    tally.add(_item(Status.SPAM, REJECT, WITHHOLD))
    result = tally.finish()

    assert result.agreement == 0.5
    assert result.verdicts["champion"] == {
        Verdict.APPROVE: 1,
        Verdict.WITHHOLD: 0,
        Verdict.REJECT: 1,
    }
    assert result.labels["spam"].champion.precision == 1.0
    assert result.labels["spam"].challenger.recall == 1.0  # withheld for spam is flagged spam


def test_tally_empty_has_no_rates() -> None:
    result = Tally(Settings(), "v2", None).finish()

    assert (result.compared, result.agreement, result.labels) == (0, None, {})


def test_tally_judges_each_model_with_its_own_stored_bands() -> None:
    stored = {"v2": {"spam": {"withhold": 0.05, "reject": 0.5}}}  # the challenger's, stricter
    items = [_item(Status.SPAM, LOW, LOW), _item(Status.SPAM, WITHHOLD, WITHHOLD)]
    plain, banded = Tally(Settings(), "v2", "v1"), Tally(Settings(), "v2", "v1", stored)

    for item in items:
        plain.add(item)
        banded.add(item)
    result = banded.finish()

    assert plain.finish().agreeing == 2  # the same scores under the same bands
    assert result.verdicts["champion"] == {
        Verdict.APPROVE: 1,
        Verdict.WITHHOLD: 1,
        Verdict.REJECT: 0,
    }
    assert result.verdicts["challenger"] == {
        Verdict.APPROVE: 0,
        Verdict.WITHHOLD: 1,
        Verdict.REJECT: 1,
    }
    assert (result.agreeing, result.toward_moderator) == (0, 2)
    assert result.labels["spam"].challenger.recall == 1.0
    assert result.labels["spam"].champion.recall == 0.5


def test_tally_site_override_wins_over_a_version_s_stored_bands() -> None:
    settings = Settings(site_thresholds={"site-b": {"spam": LabelThreshold(0.9, None)}})
    tally = Tally(settings, "v2", "v1", {"v2": {"spam": {"withhold": 0.05}}})

    tally.add(dataclasses.replace(_item(Status.SPAM, WITHHOLD, WITHHOLD), site_id="site-b"))
    tally.add(_item(Status.SPAM, LOW, LOW))  # another site: the stored band applies
    result = tally.finish()

    assert result.verdicts["champion"][Verdict.APPROVE] == 2
    assert result.verdicts["challenger"] == {
        Verdict.APPROVE: 1,
        Verdict.WITHHOLD: 1,
        Verdict.REJECT: 0,
    }
