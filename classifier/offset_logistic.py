"""Logistic regression on top of a fixed score: ``logit = slope * offset + intercept + X @ coef``.

A site head starts from the prior's log-odds (the *offset*) and learns only what the site's
decisions add: a slope (the prior may be over- or under-confident on this site), an intercept
(the site's base rate) and n-gram weights. scikit-learn's ``LogisticRegression`` has no offset;
emulating one with a large-valued extra column made the problem ill-conditioned (lbfgs took tens
of seconds for 3,000 decisions). Here the offset enters the likelihood directly and
``scipy.optimize`` (L-BFGS-B) minimises

    sum_i w_i * logloss(y_i, z_i) + ||coef||^2 / (2 C) + (slope - 1)^2 / (2 C_slope)

so with few decisions the head *is* the prior (slope 1, no n-gram weights) and moves away from it
only as far as the decisions support. The intercept is not penalised.

The solver is trust-region Newton-CG with exact Hessian-vector products (two sparse products
each): a site head has tens of thousands of n-gram weights, where L-BFGS-B spent most of its time
in its own bookkeeping (190 ms an iteration at 80,000 weights; the same fit took 6.4 s with
L-BFGS-B and 1.5 s with trust-ncg, to the same objective).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.optimize import minimize
from scipy.special import expit, log_expit

__all__ = ["fit_offset_logistic", "offset_logits"]

FloatArray = npt.NDArray[np.float64]


def offset_logits(params: FloatArray, offset: FloatArray, matrix: Any) -> FloatArray:
    """``slope * offset + intercept + matrix @ coef`` for ``params = [slope, intercept, *coef]``."""
    # Mixed float32-by-float64 products make scipy copy the matrix each time (twice the cost).
    coef = params[2:].astype(matrix.dtype, copy=False)
    linear = np.asarray(matrix @ coef, dtype=np.float64).ravel()
    logits: FloatArray = params[0] * offset + params[1] + linear
    return logits


def fit_offset_logistic(
    matrix: Any,
    target: npt.NDArray[np.int64],
    offset: FloatArray,
    *,
    C: float = 1.0,  # noqa: N803 - scikit-learn's name
    slope_C: float = 100.0,  # noqa: N803
    sample_weight: FloatArray | None = None,
    max_iter: int = 500,
    start: FloatArray | None = None,
) -> FloatArray:
    """Fit the head; returns ``[slope, intercept, *coef]``.

    Parameters
    ----------
    matrix : sparse matrix of shape (n, k)
        The site's features.
    target : ndarray of int
        0/1 per row.
    offset : ndarray
        The prior's log-odds per row.
    C : float
        Inverse L2 strength on the feature weights.
    slope_C : float
        Inverse strength pulling the slope toward 1 (large: the slope is almost free).
    sample_weight : ndarray, optional
        Weight of each row (default 1).
    max_iter : int
        Newton iterations at most.
    start : ndarray, optional
        Parameters to start from (a fit at a nearby ``C``); default: the prior itself.
    """
    y = np.asarray(target, dtype=np.float64)
    w = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, np.float64)
    matrix = matrix.astype(np.float64)  # the solver works in float64; convert once, not per product
    transposed = matrix.T.tocsr() if hasattr(matrix, "tocsr") else matrix.T
    # The solver sees the objective per unit of row weight: the minimiser is the same, and the
    # gradient tolerance means the same thing for 100 decisions as for 10,000 (on the raw sum it
    # grew with the rows, and large fits iterated long past any useful precision).
    scale = 1.0 / max(float(w.sum()), 1.0)

    def objective(params: FloatArray) -> tuple[float, FloatArray]:
        z = offset_logits(params, offset, matrix)
        loss = -float(np.sum(w * (y * log_expit(z) + (1.0 - y) * log_expit(-z))))
        coef = params[2:]
        loss += float(coef @ coef) / (2.0 * C) + (params[0] - 1.0) ** 2 / (2.0 * slope_C)
        residual = w * (expit(z) - y)
        gradient = np.empty_like(params)
        gradient[0] = residual @ offset + (params[0] - 1.0) / slope_C
        gradient[1] = residual.sum()
        gradient[2:] = np.asarray(transposed @ residual, dtype=np.float64).ravel() + coef / C
        return loss * scale, gradient * scale

    # The Hessian's row weights at the point the conjugate-gradient steps are taken from: the
    # solver asks for many products at one point, so they are computed once per point.
    at: dict[str, Any] = {"point": None, "weight": None}

    def hessian_times(params: FloatArray, vector: FloatArray) -> FloatArray:
        if at["point"] is None or not np.array_equal(at["point"], params):
            z = offset_logits(params, offset, matrix)
            at["point"], at["weight"] = params.copy(), w * expit(z) * expit(-z)
        moved = at["weight"] * offset_logits(vector, offset, matrix)
        product = np.empty_like(vector)
        product[0] = moved @ offset + vector[0] / slope_C
        product[1] = moved.sum()
        product[2:] = np.asarray(transposed @ moved, dtype=np.float64).ravel() + vector[2:] / C
        return product * scale

    if start is None:
        start = np.zeros(matrix.shape[1] + 2)
        start[0] = 1.0
    result = minimize(
        objective,
        start,
        jac=True,
        hessp=hessian_times,
        method="trust-ncg",
        options={"maxiter": max_iter, "gtol": 1e-5},
    )
    fitted: FloatArray = np.asarray(result.x, dtype=np.float64)
    return fitted
