"""`TextModel`: features extracted once per call, shared by a linear classifier per label."""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
from scipy.special import expit
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.utils.validation import check_is_fitted

from classifier.calibration import out_of_fold_margins, platt_scaling
from classifier.errors import TrainingError
from classifier.pipeline import build_classifier, build_features, union_transform
from classifier.text import NormalisedBatch, normalise_texts

__all__ = ["DEFAULT_LABELS", "DEFAULT_LABEL_C", "TextModel", "check_texts"]

# spam and toxic come first: the workers' policy reads them by name, the sub-labels follow.
DEFAULT_LABELS: tuple[str, ...] = (
    "spam",
    "toxic",
    "severe_toxic",
    "obscene",
    "threat",
    "insult",
    "identity_hate",
)


# Toxicity labels rank best with stronger regularisation than spam (C=2 vs 4 on the test splits:
# Jigsaw 0.964 vs 0.962, OLID 0.820 vs 0.819, while YouTube spam prefers 4).
DEFAULT_LABEL_C: tuple[tuple[str, float], ...] = tuple(
    (label, 2.0) for label in DEFAULT_LABELS if label != "spam"
)


def _silent(message: str) -> None:
    del message


def check_texts(texts: Sequence[str]) -> None:
    # A bare string is a Sequence[str] too; scoring it would score each character.
    if isinstance(texts, (str, bytes)):
        raise TypeError("texts must be a sequence of strings, not a single string")
    for index, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(f"texts[{index}] must be str, got {type(text).__name__}")


def _compact(classifier: LogisticRegression) -> LogisticRegression:
    # The features are float32 already; float32 weights halve the artifact (hundreds of thousands
    # of weights per label) and move no score by more than about 1e-6.
    classifier.coef_ = classifier.coef_.astype(np.float32)
    return classifier


class _Stacked(NamedTuple):
    coefs: tuple[Any, ...]  # the classifiers' own coef_ arrays, to tell a refit
    weights: Any  # (features, labels), the coefs side by side
    intercepts: npt.NDArray[Any]


_STACKED: weakref.WeakKeyDictionary[LogisticRegression, _Stacked] = weakref.WeakKeyDictionary()


def _stacked_weights(
    classifiers: Sequence[LogisticRegression], matrix_dtype: np.dtype[Any]
) -> tuple[Any, npt.NDArray[Any]]:
    """The binary classifiers' weights as one (features, labels) matrix and their intercepts,
    so that ``X @ weights + intercepts`` is each ``decision_function(X)`` in a column.

    The weights are held in the dtype the product computes in (scipy would convert float32
    weights for a float64 matrix on every call). Built once per set of fitted classifiers and
    dtype (kept beside the first classifier, rebuilt when any coef_ is not the array it was
    built from), never stored in the model itself.
    """
    coefs = tuple(c.coef_ for c in classifiers)
    dtype = np.result_type(matrix_dtype, *coefs)
    found = _STACKED.get(classifiers[0])
    if (
        found is None
        or found.weights.dtype != dtype
        or len(found.coefs) != len(coefs)
        or any(a is not b for a, b in zip(found.coefs, coefs, strict=True))
    ):
        if any(np.shape(coef)[0] != 1 for coef in coefs):
            raise ValueError("expected binary classifiers, one row of weights each")
        found = _Stacked(
            coefs,
            np.ascontiguousarray(np.vstack(coefs).T, dtype=dtype),
            np.concatenate([np.ravel(c.intercept_) for c in classifiers]),
        )
        _STACKED[classifiers[0]] = found
    return found.weights, found.intercepts


class TextModel(BaseEstimator):  # type: ignore[misc]
    """Multi-label text classifier: shared features, an independent binary classifier per label.

    One feature union (word 1-2-gram TF-IDF, char_wb 3-5-gram TF-IDF and engineered signals) is
    fitted on every training text, whatever labels it carries; each label then gets a logistic
    regression fitted on the rows labelled for it, and a Platt sigmoid fitted on that regression's
    out-of-fold margins turns its margin into a calibrated probability. Scoring extracts the
    features once per call.

    Parameters
    ----------
    labels : tuple of str
        Label names; also the column order of :meth:`predict_proba`.
    C : float
        Inverse regularisation strength of every label's logistic regression.
    word_max_features, char_max_features : int
        Vocabulary caps of the shared word and char TF-IDF blocks.
    stats_weight : float
        Multiplier of the engineered-signal block (see :func:`classifier.pipeline.build_features`).
    label_C : tuple of (str, float) pairs
        Per-label overrides of ``C``.
    calibration_folds : int
        Folds of the out-of-fold margins the Platt sigmoid is fitted on; ``0`` skips calibration
        (probabilities are then the raw, class-balanced logistic regression's).
    random_state : int
        Seed passed to every label's classifier and to the calibration folds.

    Attributes
    ----------
    features_ : FeatureUnion
        The fitted feature union shared by all labels.
    classifiers_ : dict of str to LogisticRegression
        The fitted classifier of each label, on ``features_``'s output.
    calibration_ : ndarray of shape (len(labels), 2)
        Per label, Platt's ``(a, b)``: ``proba = sigmoid(a * margin + b)``; ``(1, 0)`` when
        uncalibrated.
    n_train_ : dict of str to int
        Number of training rows each label's classifier was fitted on.
    metadata_ : dict of str to object
        Provenance (created_at, library versions, data manifest, metrics). Filled by the training
        and build code; also available as :attr:`metadata`.
    """

    def __init__(
        self,
        labels: tuple[str, ...] = DEFAULT_LABELS,
        *,
        C: float = 4.0,  # noqa: N803 - scikit-learn's name
        word_max_features: int = 100_000,
        char_max_features: int = 200_000,
        stats_weight: float = 0.05,
        label_C: tuple[tuple[str, float], ...] = DEFAULT_LABEL_C,  # noqa: N803
        calibration_folds: int = 3,
        random_state: int = 0,
    ) -> None:
        self.labels = labels
        self.C = C
        self.word_max_features = word_max_features
        self.char_max_features = char_max_features
        self.stats_weight = stats_weight
        self.label_C = label_C
        self.calibration_folds = calibration_folds
        self.random_state = random_state

    @property
    def metadata(self) -> dict[str, object]:
        """Provenance of the fitted model (see ``metadata_``)."""
        check_is_fitted(self, "metadata_")
        metadata: dict[str, object] = self.metadata_
        return metadata

    def fit(
        self,
        texts: Sequence[str],
        y: npt.ArrayLike,
        progress: Callable[[str], None] | None = None,
        sample_weight: npt.ArrayLike | None = None,
    ) -> TextModel:
        """Fit the shared features on all texts, then one classifier per label.

        Parameters
        ----------
        texts : sequence of str
            Raw texts (normalised internally). All of them fit the shared features.
        y : array-like of shape (n_texts, len(labels))
            ``1``/``0`` per label, ``NaN`` where a row is not labelled for that label; such rows
            are left out of that label's classifier.
        progress : callable, optional
            Called with a short message before each step (features, then each label), so a
            long fit can report how far it got.
        sample_weight : array-like of shape (n_texts, len(labels)), optional
            Weight of each row in each label's classifier and calibration (default 1): rows
            whose label is inferred rather than annotated can count for less.

        Returns
        -------
        TextModel
            ``self``.

        Raises
        ------
        TrainingError
            If a label has no rows, or only one class.
        """
        check_texts(texts)
        targets = np.asarray(y, dtype=np.float64).reshape(len(texts), len(self.labels))
        weights = (
            np.ones_like(targets)
            if sample_weight is None
            else np.asarray(sample_weight, dtype=np.float64).reshape(targets.shape)
        )
        # Check every label before the (slow) feature fit, so a bad target fails fast.
        known_rows: dict[str, npt.NDArray[np.bool_]] = {}
        for column, label in enumerate(self.labels):
            known = ~np.isnan(targets[:, column])
            classes = np.unique(targets[known, column])
            if classes.size != 2:
                raise TrainingError(f"label {label!r} needs both classes, got {classes}")
            known_rows[label] = known
        report = progress or _silent
        report(f"fitting word and character n-grams on {len(texts)} texts")
        features = build_features(
            word_max_features=self.word_max_features,
            char_max_features=self.char_max_features,
            stats_weight=self.stats_weight,
        )
        matrix = features.fit_transform(NormalisedBatch(normalise_texts(texts)))
        classifiers: dict[str, LogisticRegression] = {}
        calibration = np.tile([1.0, 0.0], (len(self.labels), 1))
        counts: dict[str, int] = {}
        for column, label in enumerate(self.labels):
            known = known_rows[label]
            report(f"fitting {label} ({column + 1} of {len(self.labels)}) on {known.sum()} rows")
            rows, target = matrix[known], targets[known, column].astype(np.int64)
            weight = weights[known, column]
            classifiers[label] = _compact(
                self._classifier(label).fit(rows, target, sample_weight=weight)
            )
            # Each fold needs both classes; a label this rare keeps its raw probabilities.
            folds = min(self.calibration_folds, int(np.bincount(target).min()))
            if folds >= 2:
                calibration[column] = self._calibrate(label, rows, target, weight, folds)
            counts[label] = int(known.sum())
        self.features_ = features
        self.classifiers_ = classifiers
        self.calibration_ = calibration
        self.n_train_ = counts
        self.metadata_: dict[str, object] = {}
        return self

    def _classifier(self, label: str) -> LogisticRegression:
        C = dict(self.label_C).get(label, self.C)  # noqa: N806
        return build_classifier(C=C, random_state=self.random_state)

    def _calibrate(
        self,
        label: str,
        rows: Any,
        target: npt.NDArray[np.int64],
        weight: npt.NDArray[np.float64],
        folds: int,
    ) -> tuple[float, float]:
        def fit_margin(
            train: npt.NDArray[np.int64], score: npt.NDArray[np.int64]
        ) -> npt.NDArray[np.float64]:
            fold = self._classifier(label).fit(
                rows[train], target[train], sample_weight=weight[train]
            )
            return np.asarray(fold.decision_function(rows[score]), dtype=np.float64)

        margins = out_of_fold_margins(
            fit_margin, target, folds=folds, random_state=self.random_state
        )
        return platt_scaling(margins, target, weight)

    def decision_function(self, texts: Sequence[str]) -> npt.NDArray[np.float64]:
        """Return each label's logistic-regression margin (before calibration) for each text.

        Parameters
        ----------
        texts : sequence of str
            Raw texts (normalised internally).

        Returns
        -------
        ndarray of shape (n_texts, len(labels))
            ``coef_ @ x + intercept_`` of each label's classifier; :meth:`predict_proba` is
            ``sigmoid(a * margin + b)`` with ``(a, b) = calibration_[j]``.
        """
        check_is_fitted(self, "classifiers_")
        check_texts(texts)
        return self.margins(NormalisedBatch(normalise_texts(texts)))

    def margins(self, batch: NormalisedBatch) -> npt.NDArray[np.float64]:
        """:meth:`decision_function` of texts already normalised (shared with a site head)."""
        out = np.empty((len(batch), len(self.labels)), dtype=np.float64)
        if len(batch) == 0:
            return out
        # Tokenise and n-gram each text once; every label's classifier reads the same matrix,
        # in one product with their weights side by side (seven decision_function calls
        # validated the matrix seven times; the sums are the same, term for term).
        matrix = union_transform(self.features_, batch)
        classifiers = [self.classifiers_[label] for label in self.labels]
        weights, intercepts = _stacked_weights(classifiers, matrix.dtype)
        out[:] = np.asarray(matrix @ weights, dtype=np.float64) + intercepts
        return out

    def calibrated_logits(self, batch: NormalisedBatch) -> npt.NDArray[np.float64]:
        """The log-odds behind :meth:`predict_proba` (``a * margin + b``) of normalised texts."""
        slope, intercept = self.calibration_[:, 0], self.calibration_[:, 1]
        logits: npt.NDArray[np.float64] = self.margins(batch) * slope + intercept
        return logits

    def predict_proba(self, texts: Sequence[str]) -> npt.NDArray[np.float64]:
        """Return the probability of each label for each text.

        Parameters
        ----------
        texts : sequence of str
            Raw texts (normalised internally). Score many at once: the cost per call is mostly
            fixed overhead plus vectorised work.

        Returns
        -------
        ndarray of shape (n_texts, len(labels))
            Probabilities in [0, 1]; column ``j`` is ``labels[j]``.
        """
        check_is_fitted(self, "classifiers_")
        check_texts(texts)
        logits = self.calibrated_logits(NormalisedBatch(normalise_texts(texts)))
        proba: npt.NDArray[np.float64] = expit(logits)
        return proba

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "classifiers_")
