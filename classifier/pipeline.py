"""The per-label scikit-learn pipeline: n-gram TF-IDF plus engineered signals into a linear model.

A linear model keeps scoring fast and lets a later explanation module read per-feature
contributions straight from ``coef_``. Vocabulary sizes are capped so the artifact stays a few MB.
"""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from classifier.features import TextStatsTransformer
from classifier.vectorizer import CompactTfidfVectorizer

__all__ = ["build_pipeline"]


def build_pipeline(
    *,
    C: float = 4.0,  # noqa: N803 - scikit-learn's name for inverse regularisation strength
    word_max_features: int = 40_000,
    char_max_features: int = 60_000,
    random_state: int = 0,
) -> Pipeline:
    """Return an unfitted binary text-classification pipeline.

    Parameters
    ----------
    C : float
        Inverse regularisation strength of the logistic regression.
    word_max_features, char_max_features : int
        Vocabulary caps for the word 1-2-gram and char_wb 2-5-gram TF-IDF blocks; they bound
        both the artifact size and the scoring cost.
    random_state : int
        Seed for the solver.

    Returns
    -------
    Pipeline
        ``features`` (a FeatureUnion of ``word``, ``char`` and ``stats``) followed by ``clf``.
        It expects *normalised* texts; :class:`classifier.model.TextModel` normalises for you.
    """
    # float32 halves the memory of the sparse matrices; sublinear_tf damps repeated words
    # (flood posts) so a single repeated token cannot dominate.
    word = CompactTfidfVectorizer(
        analyzer="word",
        ngram_range=(1, 2),
        min_df=2,
        max_df=0.9,
        max_features=word_max_features,
        sublinear_tf=True,
        dtype=np.float32,
    )
    char = CompactTfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(2, 5),
        min_df=3,
        max_df=0.9,
        max_features=char_max_features,
        sublinear_tf=True,
        dtype=np.float32,
    )
    features = FeatureUnion([("word", word), ("char", char), ("stats", TextStatsTransformer())])
    # class_weight="balanced": the training mix has arbitrary base rates (51% spam on YouTube,
    # 83% toxic on Davidson), so we centre the decision at 0.5 rather than learn those priors.
    clf = LogisticRegression(
        C=C, solver="liblinear", class_weight="balanced", max_iter=1000, random_state=random_state
    )
    return Pipeline([("features", features), ("clf", clf)])
