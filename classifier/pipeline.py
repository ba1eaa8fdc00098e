"""The shared feature union and the per-label linear classifier behind :class:`TextModel`.

Features (word n-gram TF-IDF, char_wb n-gram TF-IDF and engineered signals) are fitted once on
every training text and shared by all labels, so scoring tokenises each comment once however many
labels there are. Each label then gets its own logistic regression on those features. A linear
model keeps scoring fast and lets a later explanation module read per-feature contributions
straight from ``coef_``. Vocabulary sizes are capped so the artifact stays a few MB.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion

from classifier.features import TextStatsTransformer
from classifier.ngrams import FoldedNgramTfidfVectorizer

__all__ = ["build_classifier", "build_features", "build_site_features", "union_transform"]


def build_features(
    *,
    word_max_features: int = 100_000,
    char_max_features: int = 200_000,
    stats_weight: float = 0.05,
) -> FeatureUnion:
    """Return the unfitted feature union shared by every label.

    Parameters
    ----------
    word_max_features, char_max_features : int
        Vocabulary caps for the word 1-2-gram and char_wb 3-5-gram TF-IDF blocks; they bound
        both the artifact size and the scoring cost.
    stats_weight : float
        Multiplier of the engineered-signal block. Each TF-IDF block has unit norm per text while
        a signal is a raw ``log1p`` count, so at weight 1 a handful of dense columns outweigh
        hundreds of n-grams (at weight 1 they cost 0.2-0.4 points of ROC-AUC on the YouTube and
        SMS splits; at 0.05 nothing, and a strong signal can still earn a large weight).

    Returns
    -------
    FeatureUnion
        ``word``, ``char`` and ``stats`` blocks, stacked into one sparse matrix. It expects
        *normalised* texts; :class:`classifier.model.TextModel` normalises for you.
    """
    # Both n-gram views read the evasion-folded copy (leetspeak, look-alikes, spaced letters);
    # the engineered signals read the normalised text, where case and repeats still show.
    # The views compute what scikit-learn's TfidfVectorizer computes with these settings (float32
    # output, which halves the memory of the sparse matrices), several times faster at
    # news-comment length; sublinear_tf damps repeated words (flood posts) so a single repeated
    # token cannot dominate.
    word = FoldedNgramTfidfVectorizer(
        analyzer="word",
        ngram_range=(1, 2),
        min_df=2,
        max_df=0.9,
        max_features=word_max_features,
        sublinear_tf=True,
    )
    char = FoldedNgramTfidfVectorizer(
        analyzer="char_wb",
        # Bigrams add little once words and 3-5-grams are there, and cost most of the time.
        ngram_range=(3, 5),
        min_df=3,
        max_df=0.9,
        max_features=char_max_features,
        sublinear_tf=True,
    )
    return FeatureUnion(
        [("word", word), ("char", char), ("stats", TextStatsTransformer())],
        transformer_weights={"stats": stats_weight},
    )


def build_site_features(*, max_features: int = 50_000) -> FeatureUnion:
    """Return the unfitted n-gram views a site head learns the site's own vocabulary with.

    Word 1-2-grams and char_wb 3-5-grams of the evasion-folded text, like the prior's views but
    fitted on the site's decided comments only (``min_df=2``: a term seen once teaches nothing
    general), each capped at ``max_features``. The char view finds what words miss (a scam
    domain's pieces, misspelt slurs): on three simulated sites it added about 0.01 ROC-AUC.
    """
    views = [
        ("word", FoldedNgramTfidfVectorizer(analyzer="word", ngram_range=(1, 2), min_df=2,
                                            max_features=max_features, sublinear_tf=True)),
        ("char", FoldedNgramTfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=2,
                                            max_features=max_features, sublinear_tf=True)),
    ]  # fmt: skip
    return FeatureUnion(views)


def build_classifier(
    *,
    C: float = 4.0,  # noqa: N803 - scikit-learn's name for inverse regularisation strength
    random_state: int = 0,
) -> LogisticRegression:
    """Return an unfitted binary classifier for one label.

    Parameters
    ----------
    C : float
        Inverse regularisation strength of the logistic regression.
    random_state : int
        Seed for the solver.

    Returns
    -------
    LogisticRegression
        Fitted by :class:`classifier.model.TextModel` on the shared features of the rows
        labelled for its label.
    """
    # class_weight="balanced": the training mix has arbitrary base rates (51% spam on YouTube,
    # 83% toxic on Davidson), so we centre the decision at 0.5 rather than learn those priors.
    return LogisticRegression(
        C=C, solver="liblinear", class_weight="balanced", max_iter=1000, random_state=random_state
    )


def union_transform(union: FeatureUnion, texts: Any) -> Any:
    """``union.transform(texts)``, computed the same way without joblib's per-call set-up.

    FeatureUnion runs its views through ``joblib.Parallel`` even with ``n_jobs=None``, which
    cost about 0.7 ms per scored batch (1.5% of a worker's time per comment). A union this
    plain case does not cover (parallel jobs, an output container, metadata routing, a view
    given as ``"drop"`` or ``"passthrough"``) is left to scikit-learn.
    """
    config = sklearn.get_config()
    if (
        union.n_jobs not in (None, 1)
        or config["transform_output"] != "default"
        or config["enable_metadata_routing"]
        or getattr(union, "_sklearn_output_config", None)
        or any(isinstance(view, str) for _, view in union.transformer_list)
    ):
        return union.transform(texts)
    weights = union.transformer_weights or {}
    views = [(view, weights.get(name)) for name, view in union.transformer_list]
    blocks = weighted_blocks(views, texts)
    if any(sp.issparse(block) for block in blocks):
        return sp.hstack(blocks).tocsr()  # as FeatureUnion._hstack
    return np.hstack(blocks)


def weighted_blocks(views: Sequence[tuple[Any, float | None]], texts: Any) -> list[Any]:
    """Each view's ``transform(texts)`` times its union weight (None: unweighted), the blocks a
    FeatureUnion stacks side by side."""
    return [view.transform(texts) if w is None else view.transform(texts) * w for view, w in views]
