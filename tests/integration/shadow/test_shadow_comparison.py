"""The challenger/champion comparison on a crafted set of decided comments, by hand.

Default thresholds: spam withholds from 0.5 and rejects from 0.99; toxic withholds from 0.5 and
never rejects. The expected numbers below are worked out comment by comment in CASES.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from service.domain import Classification, Decision, Verdict
from service.lifecycle import Lifecycle
from service.moderation import Moderation
from service.settings import LabelThreshold, Settings
from service.shadow import Shadow
from tests.factories import SPAM_PITCH
from tests.intake import submit
from tests.integration.http.conftest import Headers
from tests.integration.shadow.shadow_factories import set_challenger
from tests.integration.workers.worker_factories import make_comment, make_version

CHAMPION, CHALLENGER = "v-champ", "v-chall"

# champion scores → verdict | challenger scores → verdict | moderator decision (reason)
CASES: list[tuple[dict[str, float], dict[str, float], Decision, str | None]] = [
    # c1: approve | approve | approve: agree
    ({"spam": 0.1, "toxic": 0.1}, {"spam": 0.1, "toxic": 0.1}, Decision.APPROVE, None),
    # c2: reject (spam) | withhold (spam) | spam: changed, away from the moderator
    ({"spam": 0.995, "toxic": 0.1}, {"spam": 0.6, "toxic": 0.1}, Decision.SPAM, None),
    # c3: withhold (toxic) | approve | approve: changed, toward
    ({"spam": 0.1, "toxic": 0.7}, {"spam": 0.1, "toxic": 0.2}, Decision.APPROVE, None),
    # c4: approve | withhold (toxic) | reject for toxic: changed, toward
    ({"spam": 0.1, "toxic": 0.2}, {"spam": 0.1, "toxic": 0.8}, Decision.REJECT, "toxic"),
    # c5: withhold (spam) | reject (spam) | approve: changed, away
    ({"spam": 0.7, "toxic": 0.1}, {"spam": 0.999, "toxic": 0.1}, Decision.APPROVE, None),
    # c6: withhold (toxic) | withhold (toxic) | reject, no label given: agree
    ({"spam": 0.2, "toxic": 0.6}, {"spam": 0.3, "toxic": 0.9}, Decision.REJECT, None),
]
# c7, overturned: approve | reject (spam) | approved by one moderator, then spam: toward.
OVERTURNED = ({"spam": 0.3, "toxic": 0.1}, {"spam": 0.995, "toxic": 0.1})

# spam truth: c2 1, c7 1, others 0 (approve, or a reject that is not spam): 2 positives, 5
# negatives. Champion flags spam on c2, c5 → TP c2, FP c5, FN c7. Challenger flags c2, c5, c7 →
# TP c2 c7, FP c5. toxic truth: c1 0, c3 0, c4 1, c5 0 (c2/c7 spam and c6 say nothing about it).
# Champion flags toxic on c3, c6 → FP c3, FN c4. Challenger flags c4, c6 → TP c4.


def _counts(precision: float, recall: float, tp: int, fp: int, fn: int) -> dict[str, Any]:
    return {
        "precision": pytest.approx(precision),
        "recall": pytest.approx(recall),
        "true_positives": tp,
        "false_positives": fp,
        "false_negatives": fn,
    }


EXPECTED: dict[str, Any] = {
    "challenger": CHALLENGER,
    "champion": CHAMPION,
    "compared": 7,
    "agreeing": 2,
    "agreement": pytest.approx(2 / 7),
    "changed": {"total": 5, "toward_moderator": 3, "away_from_moderator": 2},
    "verdicts": {
        "champion": {"approve": 3, "withhold": 3, "reject": 1},
        "challenger": {"approve": 2, "withhold": 3, "reject": 2},
    },
    "labels": {
        "spam": {
            "positives": 2,
            "negatives": 5,
            "champion": _counts(0.5, 0.5, 1, 1, 1),
            "challenger": _counts(2 / 3, 1.0, 2, 1, 0),
        },
        "toxic": {
            "positives": 1,
            "negatives": 3,
            "champion": _counts(0.0, 0.0, 0, 1, 1),
            "challenger": _counts(1.0, 1.0, 1, 0, 0),
        },
    },
}


def _decide(moderation: Moderation, comment_id: str, decision: Decision, **kw: Any) -> None:
    kw.setdefault("reason", None)
    kw.setdefault("expected_version", None)
    kw.setdefault("actor", "mod-ann")
    moderation.decide(comment_id, decision=decision, note=None, **kw)


def _score(moderation: Moderation, shadow: Shadow, cid: str, champ: Any, chall: Any) -> None:
    moderation.record_classifications([Classification(cid, champ, CHAMPION)])
    shadow.record_scores([Classification(cid, chall, CHALLENGER)])


@pytest.fixture
def crafted(moderation: Moderation, sessions: sessionmaker[Session], settings: Settings) -> Shadow:
    """The CASES in the database, plus comments the comparison must leave out."""
    Lifecycle(moderation.sessions).register(make_version(CHAMPION), champion_if_unset=True)
    Lifecycle(moderation.sessions).register(make_version(CHALLENGER))
    set_challenger(sessions, CHALLENGER)
    shadow = Shadow(sessions, settings)
    stored = submit(
        moderation, [make_comment(f"case {n}: {SPAM_PITCH}") for n in range(len(CASES) + 4)]
    )
    ids = [s.comment_id for s in stored]
    for cid, (champ, chall, decision, reason) in zip(ids, CASES, strict=False):
        _score(moderation, shadow, cid, champ, chall)
        _decide(moderation, cid, decision, reason=reason)
    overturned, champion_only, undecided, unscored = ids[len(CASES) :]
    _score(moderation, shadow, overturned, *OVERTURNED)
    _decide(moderation, overturned, Decision.APPROVE)
    version = moderation.get_comment(overturned).version
    _decide(moderation, overturned, Decision.SPAM, actor="mod-bo", expected_version=version)
    moderation.record_classifications([Classification(champion_only, {"spam": 0.9}, CHAMPION)])
    _decide(moderation, champion_only, Decision.SPAM)  # the challenger never scored it
    _score(moderation, shadow, undecided, {"spam": 0.9}, {"spam": 0.1})  # no human decision
    _decide(moderation, unscored, Decision.SPAM)  # decided before any model scored it
    return shadow


def test_shadow_comparison_matches_hand_computed_numbers(crafted: Shadow) -> None:
    comparison = crafted.compare(CHALLENGER)

    assert comparison.compared == 7
    assert comparison.agreeing == 2
    assert comparison.changed == 5
    assert (comparison.toward_moderator, comparison.away_from_moderator) == (3, 2)
    spam = comparison.labels["spam"]
    assert spam.challenger.precision == pytest.approx(2 / 3)
    assert spam.challenger.recall == 1.0


def test_shadow_comparison_in_small_chunks_gives_the_same_numbers(
    crafted: Shadow, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = crafted.compare(CHALLENGER)
    monkeypatch.setattr("service.shadow.COMPARE_CHUNK", 2)

    assert crafted.compare(CHALLENGER) == whole


def test_shadow_endpoint_renders_the_comparison(
    crafted: Shadow, client: TestClient, ops: Headers
) -> None:
    response = client.get(f"/v1/models/{CHALLENGER}/shadow", headers=ops)

    assert response.status_code == 200, response.text
    assert response.json() == EXPECTED


def test_shadow_endpoint_is_empty_without_decisions(
    moderation: Moderation, client: TestClient, ops: Headers
) -> None:
    Lifecycle(moderation.sessions).register(make_version(CHAMPION), champion_if_unset=True)
    Lifecycle(moderation.sessions).register(make_version(CHALLENGER))

    body = client.get(f"/v1/models/{CHALLENGER}/shadow", headers=ops).json()

    assert body["compared"] == 0
    assert body["agreement"] is None
    assert body["changed"] == {"total": 0, "toward_moderator": 0, "away_from_moderator": 0}
    assert body["labels"] == {}


def test_shadow_endpoint_against_an_explicit_champion(
    crafted: Shadow, client: TestClient, ops: Headers
) -> None:
    # Against itself: every verdict agrees.
    body = client.get(
        f"/v1/models/{CHALLENGER}/shadow", params={"champion": CHALLENGER}, headers=ops
    ).json()

    assert (body["compared"], body["agreeing"]) == (7, 7)


@pytest.mark.parametrize("query", [{}, {"champion": "v-nope"}])
def test_shadow_endpoint_404s_for_an_unknown_version(
    moderation: Moderation, client: TestClient, ops: Headers, query: dict[str, str]
) -> None:
    Lifecycle(moderation.sessions).register(make_version(CHAMPION), champion_if_unset=True)
    version = "v-nope" if not query else CHAMPION

    response = client.get(f"/v1/models/{version}/shadow", params=query, headers=ops)

    assert response.status_code == 404
    assert response.json()["code"] == "not-found"


def test_shadow_comparison_judges_the_challenger_with_its_stored_bands(
    moderation: Moderation, sessions: sessionmaker[Session], settings: Settings
) -> None:
    # Both models score alike; only the challenger's stored bands differ (withhold spam from
    # 0.3, reject from 0.6), so every verdict change comes from the bands.
    banded = {"spam": {"withhold": 0.3, "reject": 0.6}}
    Lifecycle(moderation.sessions).register(make_version(CHAMPION), champion_if_unset=True)
    Lifecycle(moderation.sessions).register(make_version(CHALLENGER, thresholds=banded))
    set_challenger(sessions, CHALLENGER)
    shadow = Shadow(sessions, settings)
    stored = submit(moderation, [make_comment(f"banded {n}: {SPAM_PITCH}") for n in range(3)])
    for item, spam in zip(stored, (0.1, 0.4, 0.7), strict=True):
        scores = {"spam": spam, "toxic": 0.1}
        _score(moderation, shadow, item.comment_id, scores, scores)
        _decide(moderation, item.comment_id, Decision.SPAM)

    comparison = shadow.compare(CHALLENGER)

    assert comparison.compared == 3
    assert comparison.verdicts["champion"] == {
        Verdict.APPROVE: 2,
        Verdict.WITHHOLD: 1,
        Verdict.REJECT: 0,
    }
    assert comparison.verdicts["challenger"] == dict.fromkeys(Verdict, 1)
    assert (comparison.agreeing, comparison.toward_moderator) == (1, 2)
    assert comparison.labels["spam"].challenger.true_positives == 2
    assert comparison.labels["spam"].champion.true_positives == 1
    assert shadow.compare(CHALLENGER, champion_id=CHALLENGER).agreeing == 3  # same bands
    # A site override wins over both versions' bands: nothing reaches 0.9, so all approve.
    site = {"site-1": {"spam": LabelThreshold(0.9, None)}}
    overridden = Shadow(sessions, dataclasses.replace(settings, site_thresholds=site))
    assert overridden.compare(CHALLENGER).verdicts["challenger"][Verdict.APPROVE] == 3
