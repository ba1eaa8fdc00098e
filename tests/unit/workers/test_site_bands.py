"""Bands a retrained version gets from the site's decisions."""

from __future__ import annotations

import numpy as np

from service.domain import Status
from service.settings import Settings
from workers.adaptation import SiteRows, site_bands

PITCH = "WhatsApp me at +1 555 010 0199 for the 300% profit plan"
CLEAN = "Fair analysis of the ETF flows this week"


def _rows(texts: list[str], spam: list[float]) -> SiteRows:
    statuses = [Status.SPAM if s == 1 else Status.APPROVED for s in spam]
    targets = np.array([[s, 0.0] for s in spam])
    return SiteRows(texts, statuses, [""] * len(texts), targets)


def test_hold_band_reaches_the_recall_target() -> None:
    rng = np.random.default_rng(0)
    spam = [1.0] * 40 + [0.0] * 160
    proba = np.column_stack([rng.uniform(0.3, 1.0, 200) * np.array(spam) + 0.1, np.zeros(200)])
    bands = site_bands(_rows([CLEAN] * 200, spam), ("spam", "toxic"), proba, Settings())
    entry = bands["spam"]
    assert entry["achieved"]["withhold"]["recall"] >= Settings().target_hold_recall
    assert "reject" not in entry  # no evidence-backed comments: the default band stays


def test_reject_band_comes_from_evidence_backed_decisions_only() -> None:
    texts = [PITCH] * 30 + [CLEAN] * 30
    spam = [1.0] * 30 + [0.0] * 30
    # Clean comments score as high as the pitches, but have no evidence: they cannot be rejected,
    # so they do not count against the reject band's precision.
    proba = np.column_stack([np.r_[np.linspace(0.9, 0.999, 30), np.full(30, 0.999)], np.zeros(60)])
    entry = site_bands(_rows(texts, spam), ("spam", "toxic"), proba, Settings())["spam"]
    assert entry["reject"] is not None
    assert entry["achieved"]["reject"]["precision"] == 1.0


def test_a_default_band_that_rejected_kept_comments_is_turned_off() -> None:
    texts = [PITCH] * 5 + [f"{CLEAN}, see quick-profit.xyz"] * 20
    spam = [1.0] * 2 + [0.0] * 23
    proba = np.column_stack([np.full(25, 0.995), np.zeros(25)])
    entry = site_bands(_rows(texts, spam), ("spam", "toxic"), proba, Settings())["spam"]
    assert entry["reject"] is None
    assert entry["achieved"]["reject"]["flagged"] == 25


def test_hold_band_never_holds_more_than_the_cap_of_approved_comments() -> None:
    # A weak label: positives barely outscore negatives, so recall 0.8 alone would hold most of
    # the approved comments; the cap (0.3 by default) raises the band.
    rng = np.random.default_rng(1)
    spam = [1.0] * 50 + [0.0] * 200
    proba = np.column_stack([rng.uniform(0, 1, 250) * 0.5 + np.array(spam) * 0.1, np.zeros(250)])
    entry = site_bands(_rows([CLEAN] * 250, spam), ("spam", "toxic"), proba, Settings())["spam"]
    achieved = entry["achieved"]["withhold"]
    assert achieved["approved_held"] <= Settings().target_max_approved_held
    assert achieved["recall"] < Settings().target_hold_recall  # the cap won over the target
