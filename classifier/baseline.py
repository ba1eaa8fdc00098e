"""The plain yardstick every quality report compares the shipped model with.

TF-IDF word 1-2-grams + char 2-5-grams on the raw text, one default logistic regression per label:
no normalisation, folding, engineered signals, class weights or calibration. It is trained in the
same run as the model on the same rows, and never saved or shipped.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion

__all__ = ["BaselineModel"]


class BaselineModel:
    """Multi-label TF-IDF + logistic-regression baseline with the ``TextModel`` scoring API.

    Parameters
    ----------
    labels : tuple of str
        Label names, in output-column order.
    """

    def __init__(self, labels: tuple[str, ...]) -> None:
        self.labels = labels

    def fit(self, texts: Sequence[str], y: npt.ArrayLike) -> BaselineModel:
        """Fit the features on all texts and each label's regression on its labelled rows."""
        targets = np.asarray(y, dtype=np.float64).reshape(len(texts), len(self.labels))
        self.features_ = FeatureUnion(
            [
                ("word", TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)),
                (
                    "char",
                    TfidfVectorizer(
                        analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True
                    ),
                ),
            ]
        )
        matrix = self.features_.fit_transform(list(texts))
        self.classifiers_: dict[str, LogisticRegression] = {}
        for column, label in enumerate(self.labels):
            known = ~np.isnan(targets[:, column])
            classifier = LogisticRegression(solver="liblinear", max_iter=1000)
            self.classifiers_[label] = classifier.fit(
                matrix[known], targets[known, column].astype(np.int64)
            )
        return self

    def predict_proba(self, texts: Sequence[str]) -> npt.NDArray[np.float64]:
        """Return the probability of each label for each text, shape ``(n, len(labels))``."""
        matrix = self.features_.transform(list(texts))
        out = np.empty((len(texts), len(self.labels)), dtype=np.float64)
        for column, label in enumerate(self.labels):
            out[:, column] = self.classifiers_[label].predict_proba(matrix)[:, 1]
        return out
