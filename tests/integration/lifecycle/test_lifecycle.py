"""Promote, roll back and challenger over the real registry (SQLite, and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker

from service.domain import Alias, AliasKind, Decision
from service.errors import ConflictError, NotFoundError, ValidationError
from service.lifecycle import (
    Lifecycle,
    NoPreviousChampionError,
    check_labels_csv,
)
from service.moderation import Moderation
from tests.factories import model_version, new_comment


@pytest.fixture
def lifecycle(sessions: sessionmaker[Session]) -> Lifecycle:
    return Lifecycle(sessions)


@pytest.fixture
def versions(moderation: Moderation) -> list[str]:
    """v1 (champion, set at registration), v2 and v3 registered."""
    for version_id in ("v1", "v2", "v3"):
        Lifecycle(moderation.sessions).register(model_version(version_id), champion_if_unset=True)
    return ["v1", "v2", "v3"]


def champion_id(lifecycle: Lifecycle) -> str | None:
    version = lifecycle.alias(Alias.CHAMPION)
    return version.id if version else None


def test_promote_moves_champion_and_records_who(lifecycle: Lifecycle, versions: list[str]) -> None:
    event = lifecycle.promote("v2", "ops-olu")

    assert champion_id(lifecycle) == "v2"
    assert (event.kind, event.version_id, event.previous_version_id, event.actor) == (
        AliasKind.PROMOTE,
        "v2",
        "v1",
        "ops-olu",
    )
    assert [e.kind for e in lifecycle.history(Alias.CHAMPION)] == [AliasKind.PROMOTE, AliasKind.SET]


def test_promote_of_the_champion_changes_nothing(lifecycle: Lifecycle, versions: list[str]) -> None:
    event = lifecycle.promote("v1", "ops-olu")

    assert event.id is None
    assert len(lifecycle.history(Alias.CHAMPION)) == 1


def test_promote_of_an_unknown_version_is_not_found(
    lifecycle: Lifecycle, versions: list[str]
) -> None:
    with pytest.raises(NotFoundError):
        lifecycle.promote("v9", "ops-olu")
    assert champion_id(lifecycle) == "v1"


def test_rollback_walks_back_through_promotions(lifecycle: Lifecycle, versions: list[str]) -> None:
    lifecycle.promote("v2", "ops-olu")
    lifecycle.promote("v3", "ops-olu")

    first = lifecycle.rollback("ops-ann")
    assert (first.version_id, first.previous_version_id) == ("v2", "v3")
    second = lifecycle.rollback("ops-ann")
    assert (second.version_id, second.previous_version_id) == ("v1", "v2")
    assert champion_id(lifecycle) == "v1"
    with pytest.raises(NoPreviousChampionError):
        lifecycle.rollback("ops-ann")


def test_rollback_without_a_previous_champion_is_a_conflict(
    lifecycle: Lifecycle, versions: list[str]
) -> None:
    with pytest.raises(ConflictError, match="no previous"):
        lifecycle.rollback("ops-olu")


def test_promoting_the_challenger_clears_the_challenger(
    lifecycle: Lifecycle, versions: list[str]
) -> None:
    lifecycle.set_challenger("v2", "ops-olu")
    lifecycle.promote("v2", "ops-olu")

    assert lifecycle.alias(Alias.CHALLENGER) is None
    assert lifecycle.history(Alias.CHALLENGER)[0].kind is AliasKind.UNSET


def test_the_champion_cannot_be_challenger(lifecycle: Lifecycle, versions: list[str]) -> None:
    with pytest.raises(ConflictError):
        lifecycle.set_challenger("v1", "ops-olu")


def test_unset_challenger_removes_it_once(lifecycle: Lifecycle, versions: list[str]) -> None:
    lifecycle.set_challenger("v3", "ops-olu")

    removed = lifecycle.unset_challenger("ops-olu")
    again = lifecycle.unset_challenger("ops-olu")

    assert (removed.previous_version_id, removed.id is not None) == ("v3", True)
    assert again.id is None
    assert lifecycle.alias(Alias.CHALLENGER) is None


def test_versions_keep_their_thresholds(lifecycle: Lifecycle) -> None:
    bands = {"spam": {"withhold": 0.4, "reject": 0.98}}
    lifecycle.register(model_version("v-t", thresholds=bands))

    assert lifecycle.version("v-t").thresholds == bands


def test_moderator_labels_take_each_comment_s_latest_decision(
    lifecycle: Lifecycle, moderation: Moderation
) -> None:
    first, second = moderation.store([new_comment(), new_comment()])
    for comment_id, decision, version in [
        (first.comment_id, Decision.APPROVE, None),
        (second.comment_id, Decision.SPAM, None),
        (first.comment_id, Decision.REJECT, 2),  # overturns the approval deliberately
    ]:
        moderation.decide(
            comment_id, decision=decision, actor="mod", reason="insult", note=None,
            expected_version=version,
        )  # fmt: skip

    labels = lifecycle.moderator_labels()

    assert [(label.status.value, label.reasons) for label in labels] == [
        ("spam", ("insult",)),
        ("rejected", ("insult",)),
    ]
    earlier = lifecycle.moderator_labels(upto_action_id=labels[0].action_id)
    assert [label.status.value for label in earlier] == ["approved", "spam"]


@pytest.mark.parametrize(
    "text",
    ["id,body\n1,hello\n", "text,colour\nhi,red\n", "text,spam\nhi,yes\n"],
    ids=["no-text-column", "no-label-column", "bad-cell"],
)
def test_check_labels_csv_refuses_what_training_cannot_use(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        check_labels_csv(text, "/extra_labels_csv")
    assert caught.value.errors[0].pointer == "/extra_labels_csv"


def test_check_labels_csv_accepts_text_and_label_columns() -> None:
    check_labels_csv("text,spam,toxic\nDM me for 10x,1,\nnice,0,0\n", "/extra_labels_csv")
