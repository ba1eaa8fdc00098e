"""Holds that win over the automatic verdict: a comment accepted over a flood limit, or one of a
near-duplicate burst, goes to a human whatever the model says."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

from service.domain import Status
from service.store.decisions import SystemVerdict


def apply_holds(verdicts: Sequence[SystemVerdict], holds: Mapping[str, str]) -> list[SystemVerdict]:
    """Each verdict with its comment's hold applied: an approval becomes a hold for review, and
    a hold or rejection keeps its status and gains the hold's reason."""
    return [_held(v, holds[v.comment_id]) if v.comment_id in holds else v for v in verdicts]


def _held(verdict: SystemVerdict, reason: str) -> SystemVerdict:
    reasons = verdict.reasons if reason in verdict.reasons else [*verdict.reasons, reason]
    status = Status.WITHHELD if verdict.status is Status.APPROVED else verdict.status
    return dataclasses.replace(verdict, status=status, reasons=reasons)
