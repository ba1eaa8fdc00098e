"""Scoring a batch of comments with one model call, failing closed on any model fault."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from classifier.explain import Evidence, explain_decision, rule_evidence
from classifier.model import TextModel
from classifier.site import SiteModel
from service.domain import Classification, Comment
from service.verdict.explanation import Explainer
from workers.model_cache import LoadedModel

NO_MODEL = "no champion model is loaded"

log = logging.getLogger(__name__)


class ScoringError(Exception):
    """The model returned something that cannot be trusted as probabilities."""


def score_batch(comments: Sequence[Comment], model: LoadedModel | None) -> list[Classification]:
    """Score every comment in one ``predict_proba`` call; errors become failed classifications."""
    if not comments:
        return []
    if model is None:
        return failed(comments, NO_MODEL)
    labels = tuple(model.scorer.labels)
    try:
        scores = _probabilities(model, [c.body for c in comments], len(labels))
    except Exception as exc:  # any fault of the model sends the batch to humans, never publishes
        log.warning("model %s failed on %d comment(s): %r", model.version.id, len(comments), exc)
        return failed(comments, f"model {model.version.id} failed: {type(exc).__name__}: {exc}")
    return [
        _classification(c, labels, row, model.version.id)
        for c, row in zip(comments, scores, strict=True)
    ]


def failed(comments: Sequence[Comment], error: str) -> list[Classification]:
    """Failed classifications, which policy sends to review with ``classifier_error``."""
    return [Classification(c.id, {}, None, error=error) for c in comments]


def _probabilities(model: LoadedModel, texts: list[str], width: int) -> npt.NDArray[np.float64]:
    scores = np.asarray(model.scorer.predict_proba(texts), dtype=np.float64)
    if scores.shape != (len(texts), width):
        raise ScoringError(f"expected scores of shape {(len(texts), width)}, got {scores.shape}")
    return scores


def _classification(
    comment: Comment, labels: tuple[str, ...], row: npt.NDArray[np.float64], version: str
) -> Classification:
    # NaN compares False against every threshold and would be approved: refuse it instead.
    if not np.all((row >= 0.0) & (row <= 1.0)):
        return Classification(comment.id, {}, None, error=f"model {version} gave scores {row}")
    return Classification(comment.id, dict(zip(labels, row.tolist(), strict=True)), version)


def explainer(
    model: LoadedModel | None, results: Sequence[Classification] = ()
) -> Explainer | None:
    """Evidence for the comments the policy holds back: one batched ``explain_decision`` call.

    None when the model cannot be explained (no model, or not a :class:`TextModel`). ``results``
    are the batch's classifications: their scores say which other labels scored high enough to
    be explained, without scoring the comments again. A fault while explaining is logged and
    leaves the comments without evidence; it never changes or delays a verdict beyond the call
    itself.
    """
    if model is None or not isinstance(model.scorer, TextModel | SiteModel):
        return None
    scorer = model.scorer
    scored = {r.comment_id: r.scores for r in results if r.error is None}

    def explain_comments(
        comments: Sequence[Comment], reasons: Sequence[Sequence[str]]
    ) -> list[Mapping[str, Any] | None]:
        bodies = [c.body for c in comments]
        # The labels that held a comment, and any other scoring high, explain it (a low score's
        # words are noise): one batch call for all of them.
        try:
            spans = explain_decision(
                scorer, bodies, reasons, scores=[scored.get(c.id) for c in comments]
            )
            rules = rule_evidence(bodies)
        except Exception as exc:  # evidence is an aid for moderators, never a reason to fail
            log.warning("explaining %d comment(s) failed: %r", len(comments), exc)
            return [None] * len(comments)
        return [
            {
                "labels": {label: [_span(e) for e in found] for label, found in by_label.items()},
                "rules": [_span(e) for e in hits],
            }
            for by_label, hits in zip(spans, rules, strict=True)
        ]

    return explain_comments


def _span(evidence: Evidence) -> dict[str, Any]:
    span: dict[str, Any] = {
        "start": evidence.start,
        "end": evidence.end,
        "text": evidence.text,
        "weight": round(evidence.weight, 4),
        "kind": evidence.kind,
    }
    if evidence.rule is not None:
        span["rule"] = evidence.rule
    if evidence.detail is not None:
        span["detail"] = evidence.detail
    return span
