"""`SiteModel`: a site's own policy, learnt from its moderators' decisions on top of a prior.

The shipped :class:`~classifier.model.TextModel` is a prior: it knows spam and abuse in general
from public data, not what one newsroom's moderators reject. A site head learns that from the
site's decisions alone, in seconds: per label, a logistic regression whose starting point is the
prior's calibrated log-odds (an offset, :mod:`classifier.offset_logistic`) and which learns

- a slope and an intercept on that offset (the prior may be over- or under-confident here, and
  the site's base rate is its own), and
- weights for word 1-2-gram TF-IDF features with a vocabulary of the site's own texts (its scam
  domains, its slang, the topics its moderators reject), L2-penalised so that they move the
  prior only as far as the decisions support; with few decisions the head is the prior.

A label the decisions do not teach both ways (fewer than ``min_class_rows`` of either class)
keeps the prior's probability. Nothing here reads public data, so retraining works on a fresh
install; the prior inside is whatever the site ran before (the shipped model by default).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.special import expit
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from classifier.errors import TrainingError
from classifier.model import TextModel, check_texts
from classifier.offset_logistic import fit_offset_logistic, offset_logits
from classifier.pipeline import build_site_features, union_transform
from classifier.text import NormalisedBatch, normalise_texts

__all__ = ["SiteModel"]

# Log-odds beyond this are clipped before they enter a head: a prior certain to 1e-13 would
# otherwise dominate any evidence the site's decisions add.
_LOGIT_CLIP = 30.0


class SiteModel(BaseEstimator):  # type: ignore[misc]
    """A prior :class:`TextModel` plus per-label heads fitted on one site's decisions.

    Parameters
    ----------
    prior : TextModel
        The fitted model whose scores the heads start from; its labels are this model's labels.
    C : float
        Inverse L2 strength on each head's n-gram weights.
    label_C : tuple of (str, float) pairs
        Per-label overrides of ``C`` (:class:`~classifier.adaptation.SiteTrainer` chooses them
        on the site's own decisions).
    slope_C : float
        Inverse strength pulling each head's slope on the prior's log-odds toward 1.
    max_features : int
        Vocabulary cap of the site's word 1-2-gram features.
    min_class_rows : int
        Fewest decisions of each class (positive and negative) a label needs to get a head.
    Attributes
    ----------
    features_ : transformer or None
        The site's word n-gram TF-IDF (None when no label got a head).
    heads_ : dict of str to ndarray
        Per adapted label ``[slope, intercept, *weights]`` (weights over ``features_``'s
        columns); other labels keep the prior's probability.
    n_train_ : dict of str to int
        Decisions each head was fitted on.
    metadata_ : dict of str to object
        Provenance, filled by the training code.
    """

    def __init__(
        self,
        prior: TextModel,
        *,
        C: float = 1.0,  # noqa: N803 - scikit-learn's name
        label_C: tuple[tuple[str, float], ...] = (),  # noqa: N803
        slope_C: float = 100.0,  # noqa: N803
        max_features: int = 50_000,
        min_class_rows: int = 5,
    ) -> None:
        self.prior = prior
        self.C = C
        self.label_C = label_C
        self.slope_C = slope_C
        self.max_features = max_features
        self.min_class_rows = min_class_rows

    @property
    def labels(self) -> tuple[str, ...]:
        """The prior's labels, in its column order."""
        labels: tuple[str, ...] = tuple(self.prior.labels)
        return labels

    @property
    def metadata(self) -> dict[str, object]:
        """Provenance of the fitted model (see ``metadata_``)."""
        check_is_fitted(self, "metadata_")
        metadata: dict[str, object] = self.metadata_
        return metadata

    def adapted_labels(self) -> tuple[str, ...]:
        """The labels that have a site head, in column order."""
        check_is_fitted(self, "heads_")
        return tuple(label for label in self.labels if label in self.heads_)

    def fit(
        self,
        texts: Sequence[str],
        y: npt.ArrayLike,
        prior_logits: npt.NDArray[np.float64] | None = None,
    ) -> SiteModel:
        """Fit a head for every label the site's decisions teach both ways.

        Parameters
        ----------
        texts : sequence of str
            The decided comments, as stored.
        y : array-like of shape (n_texts, len(labels))
            ``1``/``0`` per label, ``NaN`` where the decision says nothing about the label.
        prior_logits : ndarray of shape (n_texts, len(labels)), optional
            The prior's :meth:`~classifier.model.TextModel.calibrated_logits` of ``texts``, when
            the caller already has them (cross-fitting scores the prior once, not per fold).

        Returns
        -------
        SiteModel
            ``self``.

        Raises
        ------
        TrainingError
            If no label has ``min_class_rows`` decisions of each class.
        """
        check_texts(texts)
        targets = np.asarray(y, dtype=np.float64).reshape(len(texts), len(self.labels))
        if not self._taught_rows(targets):
            raise TrainingError(
                f"no label has {self.min_class_rows} decisions of each class to learn from"
            )
        batch = NormalisedBatch(normalise_texts(texts))
        if prior_logits is None:
            prior_logits = self.prior.calibrated_logits(batch)
        features = self.site_features()
        return self.fit_matrix(features, features.fit_transform(batch), targets, prior_logits)

    def site_features(self) -> Any:
        """The unfitted n-gram views this model's heads read (fitted on the site's texts)."""
        return build_site_features(max_features=self.max_features)

    def fit_matrix(
        self,
        features: Any,
        matrix: Any,
        y: npt.ArrayLike,
        prior_logits: npt.NDArray[np.float64],
    ) -> SiteModel:
        """Fit the heads on texts already turned into ``features``' matrix.

        :meth:`fit` for callers that fit many heads on the same texts (cross-fitting): the
        n-gram views, fitted once on the site's texts (``features``), are shared by every fit,
        and ``matrix`` holds their rows for the decisions in ``y``.
        """
        targets = np.asarray(y, dtype=np.float64).reshape(matrix.shape[0], len(self.labels))
        taught = self._taught_rows(targets)
        if not taught:
            raise TrainingError(
                f"no label has {self.min_class_rows} decisions of each class to learn from"
            )
        logits = np.clip(prior_logits, -_LOGIT_CLIP, _LOGIT_CLIP)
        heads: dict[str, npt.NDArray[np.float64]] = {}
        for label, rows in taught.items():
            column = self.labels.index(label)
            heads[label] = fit_offset_logistic(
                matrix[rows],
                targets[rows, column].astype(np.int64),
                logits[rows, column],
                C=dict(self.label_C).get(label, self.C),
                slope_C=self.slope_C,
            )
        self.features_ = features
        self.heads_ = heads
        self.n_train_ = {label: int(rows.sum()) for label, rows in taught.items()}
        self.metadata_: dict[str, object] = {}
        return self

    def _taught_rows(self, targets: npt.NDArray[np.float64]) -> dict[str, npt.NDArray[np.bool_]]:
        taught: dict[str, npt.NDArray[np.bool_]] = {}
        for column, label in enumerate(self.labels):
            known = ~np.isnan(targets[:, column])
            positives = int(np.sum(targets[known, column] == 1))
            if min(positives, int(known.sum()) - positives) >= self.min_class_rows:
                taught[label] = known
        return taught

    def calibrated_logits(self, batch: NormalisedBatch) -> npt.NDArray[np.float64]:
        """Each label's log-odds for normalised texts: the head's where there is one."""
        check_is_fitted(self, "heads_")
        return self.logits_from_prior(batch, self.prior.calibrated_logits(batch))

    def logits_from_prior(
        self, batch: NormalisedBatch, prior_logits: npt.NDArray[np.float64]
    ) -> npt.NDArray[np.float64]:
        """:meth:`calibrated_logits` given the prior's log-odds of the same texts."""
        if not self.heads_ or len(batch) == 0:
            return np.clip(prior_logits, -_LOGIT_CLIP, _LOGIT_CLIP)
        return self.logits_from_matrix(union_transform(self.features_, batch), prior_logits)

    def logits_from_matrix(
        self, site: Any, prior_logits: npt.NDArray[np.float64]
    ) -> npt.NDArray[np.float64]:
        """:meth:`calibrated_logits` given ``features_``'s matrix and the prior's log-odds."""
        logits = np.clip(prior_logits, -_LOGIT_CLIP, _LOGIT_CLIP)
        for label, head in self.heads_.items():
            column = self.labels.index(label)
            logits[:, column] = offset_logits(head, logits[:, column], site)
        return logits

    def predict_proba(self, texts: Sequence[str]) -> npt.NDArray[np.float64]:
        """Return the probability of each label for each text.

        Parameters
        ----------
        texts : sequence of str
            Raw texts (normalised internally).

        Returns
        -------
        ndarray of shape (n_texts, len(labels))
            Probabilities in [0, 1]; column ``j`` is ``labels[j]``. Labels without a head carry
            the prior's probability unchanged.
        """
        check_texts(texts)
        logits = self.calibrated_logits(NormalisedBatch(normalise_texts(texts)))
        proba: npt.NDArray[np.float64] = expit(logits)
        return proba

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "heads_")
