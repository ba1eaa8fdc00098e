"""Scores as stored: cut to a fixed number of decimals, so the JSON that keeps them stays small.

A score as the model gives it is a 17-digit float (``0.9999824900843888``); every stored copy of
seven labels cost 222 bytes of JSON, 136 at six decimals. Verdicts are made before storage from
the exact scores, and ``comments.risk`` stays exact; what is cut is only what is read back later
(queue label filter, moderation view and cards, the audit log, the shadow comparison).

Cut *down* (the largest six-decimal value not above the score), not rounded to nearest: then
``stored >= t`` exactly when ``score >= t`` for every threshold ``t`` of at most six decimals,
which every band the service sets itself is (learned bands are rounded to six decimals,
``workers/adaptation.py``) and every band or ``min_score`` a person types in practice. So a
replay of stored scores (the shadow comparison) reaches the live verdict, and a queue filter
finds the comments the policy would. Rounding to nearest would move a score across a band that
lies within half a millionth of it; four decimals also merge the ranks of scores near 0 and 1
(``python -m bench.stored_scores``, 9,506 labelled texts: ROC-AUC moves by at most 6.8e-7 at six
decimals, 4.1e-4 at four; average precision by 1.1e-5 against 7.5e-4).
"""

from __future__ import annotations

from collections.abc import Mapping

SCORE_DECIMALS = 6
_STEP = 10.0**-SCORE_DECIMALS


def stored_score(score: float) -> float:
    """The largest float of at most ``SCORE_DECIMALS`` decimals that is not above ``score``.

    ``round`` is correctly rounded (it reads the float's exact value), so the candidate is the
    nearest grid value; when that lies above the score, the grid value below it is the answer.
    """
    nearest = round(score, SCORE_DECIMALS)
    if nearest > score:
        return round(nearest - _STEP, SCORE_DECIMALS)
    return nearest


def stored_scores(scores: Mapping[str, float]) -> dict[str, float]:
    """Every label's :func:`stored_score`, in the same order."""
    return {label: stored_score(score) for label, score in scores.items()}
