"""Readers' reports and how much each reporter's word weighs: plain values, no I/O.

A reporter's weight follows how often moderators upheld their reports. The rate is smoothed with
a Beta(PRIOR_UPHELD, PRIOR_DISMISSED) prior, so that a reporter nobody has judged yet sits at the
prior's mean, and the weight is that rate divided by the prior's mean: a new reporter weighs
exactly 1 (``COMMENTDESK_REPORT_THRESHOLD`` keeps meaning "this many new readers"), one whose
reports were always upheld tends to 2, one whose reports were always dismissed tends to 0.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable

from service.domain import Comment, Status

# Pseudo-counts of the prior: two upheld and two dismissed reports' worth. Small enough that a
# few judgements move a reporter (one dismissal takes a new reporter to 0.8, so three readers
# with one dismissal each fall short of a threshold of 3), large enough that one judgement does
# not take anyone to the extremes.
PRIOR_UPHELD = 2.0
PRIOR_DISMISSED = 2.0
_PRIOR_MEAN = PRIOR_UPHELD / (PRIOR_UPHELD + PRIOR_DISMISSED)

# Weights are sums of ratios; this keeps three neutral reporters at exactly the threshold 3 and
# keeps a sum that is a rounding error short of it from being "not enough".
_TOLERANCE = 1e-9


class ReportState(enum.StrEnum):
    """Where a report stands: open until a moderator judges the comment it is about."""

    OPEN = "open"
    UPHELD = "upheld"  # a moderator rejected the comment (or marked it spam)
    DISMISSED = "dismissed"  # a moderator dismissed the reports or approved the comment


@dataclasses.dataclass(frozen=True)
class ReporterRecord:
    """How a reporter's past reports were judged on one site."""

    upheld: int = 0
    dismissed: int = 0

    @property
    def weight(self) -> float:
        """The smoothed upheld rate relative to the prior's: 1 for a new reporter, in (0, 2)."""
        rate = (self.upheld + PRIOR_UPHELD) / (
            self.upheld + self.dismissed + PRIOR_UPHELD + PRIOR_DISMISSED
        )
        return rate / _PRIOR_MEAN


def reaches_threshold(weights: Iterable[float], threshold: float) -> bool:
    """Whether the open reports' weights together reach the report threshold."""
    return sum(weights) >= threshold - _TOLERANCE


def outcome_of(decided: Status) -> ReportState:
    """What a moderator's decision says about the open reports on the comment: approving it
    dismisses them, rejecting it (or marking it spam) upholds them."""
    return ReportState.DISMISSED if decided is Status.APPROVED else ReportState.UPHELD


@dataclasses.dataclass(frozen=True)
class Dismissed:
    """A dismissal as recorded: the comment after it and how many open reports it closed."""

    comment: Comment
    dismissed: int
    batch_id: str | None  # None when there was nothing to dismiss (nothing was recorded)
