"""`TextModel`: features extracted once per call, shared by a linear classifier per label."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.utils.validation import check_is_fitted

from classifier.errors import TrainingError
from classifier.pipeline import build_classifier, build_features
from classifier.text import normalise_texts

__all__ = ["DEFAULT_LABELS", "TextModel"]

DEFAULT_LABELS: tuple[str, ...] = ("spam", "toxic")


def _check_texts(texts: Sequence[str]) -> None:
    # A bare string is a Sequence[str] too; scoring it would score each character.
    if isinstance(texts, (str, bytes)):
        raise TypeError("texts must be a sequence of strings, not a single string")
    for index, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(f"texts[{index}] must be str, got {type(text).__name__}")


class TextModel(BaseEstimator):  # type: ignore[misc]
    """Multi-label text classifier: shared features, an independent binary classifier per label.

    One feature union (word 1-2-gram TF-IDF, char_wb 2-5-gram TF-IDF and engineered signals) is
    fitted on every training text, whatever labels it carries; each label then gets a logistic
    regression fitted on the rows labelled for it. Scoring extracts the features once per call.

    Parameters
    ----------
    labels : tuple of str
        Label names; also the column order of :meth:`predict_proba`.
    C : float
        Inverse regularisation strength of every label's logistic regression.
    word_max_features, char_max_features : int
        Vocabulary caps of the shared word and char TF-IDF blocks.
    random_state : int
        Seed passed to every label's classifier.

    Attributes
    ----------
    features_ : FeatureUnion
        The fitted feature union shared by all labels.
    classifiers_ : dict of str to LogisticRegression
        The fitted classifier of each label, on ``features_``'s output.
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
        word_max_features: int = 40_000,
        char_max_features: int = 60_000,
        random_state: int = 0,
    ) -> None:
        self.labels = labels
        self.C = C
        self.word_max_features = word_max_features
        self.char_max_features = char_max_features
        self.random_state = random_state

    @property
    def metadata(self) -> dict[str, object]:
        """Provenance of the fitted model (see ``metadata_``)."""
        check_is_fitted(self, "metadata_")
        metadata: dict[str, object] = self.metadata_
        return metadata

    def fit(self, texts: Sequence[str], y: npt.ArrayLike) -> TextModel:
        """Fit the shared features on all texts, then one classifier per label.

        Parameters
        ----------
        texts : sequence of str
            Raw texts (normalised internally). All of them fit the shared features.
        y : array-like of shape (n_texts, len(labels))
            ``1``/``0`` per label, ``NaN`` where a row is not labelled for that label; such rows
            are left out of that label's classifier.

        Returns
        -------
        TextModel
            ``self``.

        Raises
        ------
        TrainingError
            If a label has no rows, or only one class.
        """
        _check_texts(texts)
        targets = np.asarray(y, dtype=np.float64).reshape(len(texts), len(self.labels))
        # Check every label before the (slow) feature fit, so a bad target fails fast.
        known_rows: dict[str, npt.NDArray[np.bool_]] = {}
        for column, label in enumerate(self.labels):
            known = ~np.isnan(targets[:, column])
            classes = np.unique(targets[known, column])
            if classes.size != 2:
                raise TrainingError(f"label {label!r} needs both classes, got {classes}")
            known_rows[label] = known
        features = build_features(
            word_max_features=self.word_max_features, char_max_features=self.char_max_features
        )
        matrix = features.fit_transform(normalise_texts(texts))
        classifiers: dict[str, LogisticRegression] = {}
        counts: dict[str, int] = {}
        for column, label in enumerate(self.labels):
            known = known_rows[label]
            classifier = build_classifier(C=self.C, random_state=self.random_state)
            classifiers[label] = classifier.fit(
                matrix[known], targets[known, column].astype(np.int64)
            )
            counts[label] = int(known.sum())
        self.features_ = features
        self.classifiers_ = classifiers
        self.n_train_ = counts
        self.metadata_: dict[str, object] = {}
        return self

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
        _check_texts(texts)
        out = np.empty((len(texts), len(self.labels)), dtype=np.float64)
        if len(texts) == 0:
            return out
        # Tokenise and n-gram each text once; every label's classifier reads the same matrix.
        matrix = self.features_.transform(normalise_texts(texts))
        for column, label in enumerate(self.labels):
            classifier = self.classifiers_[label]
            positive = list(classifier.classes_).index(1)
            out[:, column] = classifier.predict_proba(matrix)[:, positive]
        return out

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "classifiers_")
