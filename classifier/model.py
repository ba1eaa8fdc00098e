"""`TextModel`: one fitted pipeline per label behind a single batch-scoring call."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from sklearn.base import BaseEstimator
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from classifier.errors import TrainingError
from classifier.pipeline import build_pipeline
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
    """Multi-label text classifier: an independent binary pipeline per label.

    Parameters
    ----------
    labels : tuple of str
        Label names; also the column order of :meth:`predict_proba`.
    C : float
        Inverse regularisation strength passed to every label's pipeline.
    random_state : int
        Seed passed to every label's pipeline.

    Attributes
    ----------
    pipelines_ : dict of str to Pipeline
        The fitted pipeline of each label.
    n_train_ : dict of str to int
        Number of training rows each label was fitted on.
    metadata_ : dict of str to object
        Provenance (created_at, library versions, data manifest, metrics). Filled by the training
        and build code; also available as :attr:`metadata`.
    """

    def __init__(
        self,
        labels: tuple[str, ...] = DEFAULT_LABELS,
        *,
        C: float = 4.0,  # noqa: N803 - scikit-learn's name
        random_state: int = 0,
    ) -> None:
        self.labels = labels
        self.C = C
        self.random_state = random_state

    @property
    def metadata(self) -> dict[str, object]:
        """Provenance of the fitted model (see ``metadata_``)."""
        check_is_fitted(self, "metadata_")
        metadata: dict[str, object] = self.metadata_
        return metadata

    def fit(self, texts: Sequence[str], y: npt.ArrayLike) -> TextModel:
        """Fit one pipeline per label.

        Parameters
        ----------
        texts : sequence of str
            Raw texts (normalised internally).
        y : array-like of shape (n_texts, len(labels))
            ``1``/``0`` per label, ``NaN`` where a row is not labelled for that label; such rows
            are left out of that label's training set.

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
        normalised = np.asarray(normalise_texts(texts), dtype=object)
        pipelines: dict[str, Pipeline] = {}
        counts: dict[str, int] = {}
        for column, label in enumerate(self.labels):
            known = ~np.isnan(targets[:, column])
            label_y = targets[known, column].astype(np.int64)
            if np.unique(label_y).size != 2:
                raise TrainingError(f"label {label!r} needs both classes, got {np.unique(label_y)}")
            pipeline = build_pipeline(C=self.C, random_state=self.random_state)
            pipelines[label] = pipeline.fit(list(normalised[known]), label_y)
            counts[label] = int(known.sum())
        self.pipelines_ = pipelines
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
        check_is_fitted(self, "pipelines_")
        _check_texts(texts)
        out = np.empty((len(texts), len(self.labels)), dtype=np.float64)
        if len(texts) == 0:
            return out
        normalised = normalise_texts(texts)
        for column, label in enumerate(self.labels):
            pipeline = self.pipelines_[label]
            positive = list(pipeline.classes_).index(1)
            out[:, column] = pipeline.predict_proba(normalised)[:, positive]
        return out

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "pipelines_")
