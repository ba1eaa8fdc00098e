"""TF-IDF n-gram vectorizers that transform a batch with array operations, not a loop per n-gram.

:class:`NgramTfidfVectorizer` computes what scikit-learn's ``TfidfVectorizer`` computes for
``analyzer="word"`` (default ``token_pattern``) or ``analyzer="char_wb"``, with
``lowercase=True``, ``norm="l2"``, ``use_idf=True``, ``smooth_idf=True`` and float32 output,
up to 64-bit hash collisions (see :mod:`classifier.ngrams.hashing`). Its fitted state is numeric
arrays and plain scalars, so skops stores it as ``.npy`` files (the vocabulary packed as in
:class:`classifier.vectorizer.CompactTfidfVectorizer`).

scikit-learn builds a Python string for every n-gram and looks each one up in a dict, which at
news-comment length is most of the scoring time. Here the batch becomes one code-point stream
(:mod:`classifier.ngrams.extraction`), every n-gram a hash (:mod:`classifier.ngrams.hashing`),
every hash a column through a sorted table, and the counts a sparse matrix built by scipy's
compressed-format conversions.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from classifier.codepoints import encode
from classifier.ngrams.extraction import (
    Ngrams,
    char_wb_ngrams,
    chunks,
    term_strings,
    word_ngrams,
)
from classifier.ngrams.hashing import BASES, HashIndex, substring_hashes
from classifier.ngrams.vocabulary import HashCollisionError, fit_vocabulary
from classifier.text import folded

__all__ = ["FoldedNgramTfidfVectorizer", "NgramTfidfVectorizer"]

_ANALYZERS = {"word": word_ngrams, "char_wb": char_wb_ngrams}


def _not_a_string(raw_documents: Iterable[str]) -> Iterable[str]:
    # A bare string is an iterable of str too; vectorizing it would treat each character as a
    # document (scikit-learn refuses it with this message).
    if isinstance(raw_documents, str):
        raise ValueError("Iterable over raw text documents expected, string object received.")
    return raw_documents


def _smooth_idf(document_frequency: npt.NDArray[np.int64], n_documents: int) -> Any:
    # TfidfTransformer.fit's arithmetic, step by step in float32, so idf_ matches it bit for bit.
    df = document_frequency.astype(np.float32) + np.float32(1.0)
    idf = np.full_like(df, fill_value=n_documents + 1, dtype=np.float32)
    idf /= df
    np.log(idf, out=idf)
    idf += np.float32(1.0)
    return idf


def _count_matrix(
    grams: Ngrams, columns: npt.NDArray[np.int32], n_documents: int, n_terms: int
) -> sp.csr_matrix:
    """Counts of each (document, term), in canonical CSR form (sorted, no duplicates).

    ``grams`` must be ordered by document (the extractors make them so).
    """
    found = columns >= 0
    # One sort of (document, column) keys: scipy's transposing conversions (a counting sort
    # each) walked all n_terms columns twice per call, more than the batch's own n-grams.
    keys = grams.docs[found].astype(np.int64) * n_terms + columns[found]
    keys, repeats = np.unique(keys, return_counts=True)
    docs = keys // n_terms
    indptr = np.zeros(n_documents + 1, dtype=np.int64)
    np.cumsum(np.bincount(docs, minlength=n_documents), out=indptr[1:])
    counts = sp.csr_matrix(
        (repeats.astype(np.float32), (keys - docs * n_terms).astype(np.int32), indptr),
        shape=(n_documents, n_terms),
    )
    counts.has_sorted_indices = True  # and no duplicates: canonical
    counts.has_canonical_format = True
    return counts


def _normalise_rows(matrix: sp.csr_matrix) -> None:
    """Scale each row to unit l2 norm in place, with sklearn's float64 sums in row order."""
    data = matrix.data
    rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    norms = np.sqrt(np.bincount(rows, weights=data * data, minlength=matrix.shape[0]))
    norms[norms == 0.0] = 1.0
    matrix.data = (data / norms[rows]).astype(np.float32)


class NgramTfidfVectorizer(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """TF-IDF of word or ``char_wb`` n-grams, equal to scikit-learn's, fast at any length.

    Parameters
    ----------
    analyzer : {"word", "char_wb"}
        Word n-grams (tokens of two or more word characters) or character n-grams inside
        whitespace-separated words padded with one space, as in ``TfidfVectorizer``.
    ngram_range : tuple of (int, int)
        Smallest and largest ``n``.
    min_df, max_df : int or float
        Document-frequency bounds: an integer is a number of documents, a float a proportion.
    max_features : int or None
        Keep at most this many terms, those with the largest total count.
    sublinear_tf : bool
        Weight a term by ``1 + log(count)`` instead of its count.

    Attributes
    ----------
    terms_codes_ : ndarray of uint32
        Code points of every term, concatenated in column order (alphabetical).
    terms_lengths_ : ndarray of int32
        Length of each term in code points.
    idf_ : ndarray of float32
        Smoothed inverse document frequency of each term.
    hash_base_ : int
        The polynomial-hash base the vocabulary was fitted (and is looked up) with.
    """

    def __init__(
        self,
        *,
        analyzer: str = "word",
        ngram_range: tuple[int, int] = (1, 1),
        min_df: float = 1,
        max_df: float = 1.0,
        max_features: int | None = None,
        sublinear_tf: bool = False,
    ) -> None:
        self.analyzer = analyzer
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_df = max_df
        self.max_features = max_features
        self.sublinear_tf = sublinear_tf

    def _documents(self, raw_documents: Iterable[str]) -> Sequence[str]:
        return list(_not_a_string(raw_documents))

    def _extract(self, documents: Sequence[str]) -> Ngrams:
        low, high = self.ngram_range
        return _ANALYZERS[self.analyzer](documents, (low, high))

    def _check_params(self) -> None:
        if self.analyzer not in _ANALYZERS:
            raise ValueError(f"analyzer must be one of {sorted(_ANALYZERS)}, got {self.analyzer!r}")
        low, high = self.ngram_range
        if not 1 <= low <= high:
            raise ValueError(
                f"ngram_range must be (low, high) with 1 <= low <= high, got {self.ngram_range!r}"
            )

    def fit(self, raw_documents: Iterable[str], y: Any = None) -> NgramTfidfVectorizer:
        """Learn the vocabulary and idf of ``raw_documents``; return ``self``."""
        self._fit(self._documents(raw_documents))
        return self

    def fit_transform(self, raw_documents: Iterable[str], y: Any = None) -> sp.csr_matrix:
        """Fit on ``raw_documents`` and return their TF-IDF matrix."""
        documents = self._documents(raw_documents)
        self._fit(documents)
        return self._transform(documents)

    def _fit(self, documents: Sequence[str]) -> None:
        self._check_params()
        for base, check_base in itertools.pairwise(BASES):
            try:
                vocabulary = fit_vocabulary(
                    documents,
                    self._extract,
                    (base, check_base),
                    min_df=self.min_df,
                    max_df=self.max_df,
                    max_features=self.max_features,
                )
            except HashCollisionError:
                continue
            idf = _smooth_idf(vocabulary.document_frequency, len(documents))
            self._keep(vocabulary.terms, idf, base)
            return
        raise HashCollisionError("every hash base collided on these documents")

    @classmethod
    def from_terms(
        cls, terms: Sequence[str], idf: npt.ArrayLike, **params: Any
    ) -> NgramTfidfVectorizer:
        """Return a fitted vectorizer with ``terms`` (in column order) and their ``idf``.

        For example another vectorizer's vocabulary: ``TfidfVectorizer``'s
        ``get_feature_names_out()`` and ``idf_`` with the same settings give a vectorizer that
        computes the same matrix.
        """
        vectorizer = cls(**params)
        vectorizer._check_params()
        terms = list(terms)
        codes = encode("".join(terms))
        lengths = np.fromiter(map(len, terms), dtype=np.intp, count=len(terms))
        for base in BASES:
            hashes = np.sort(substring_hashes(codes, np.cumsum(lengths) - lengths, lengths, base))
            if not np.any(hashes[1:] == hashes[:-1]):
                vectorizer._keep(terms, np.asarray(idf, dtype=np.float32), base)
                return vectorizer
        raise HashCollisionError("every hash base collided on these terms")

    def _keep(self, terms: list[str], idf: npt.NDArray[np.float32], base: int) -> None:
        self.terms_codes_ = encode("".join(terms)).copy()
        self.terms_lengths_ = np.fromiter(map(len, terms), dtype=np.int32, count=len(terms))
        self.idf_ = idf
        self.hash_base_ = base
        self._index: HashIndex | None = None

    def _term_starts(self) -> npt.NDArray[np.intp]:
        lengths = self.terms_lengths_.astype(np.intp)
        return np.cumsum(lengths) - lengths

    def _lookup(self) -> HashIndex:
        # Built on first use from the stored terms, so the artifact carries no hash table.
        index: HashIndex | None = getattr(self, "_index", None)
        if index is None:
            hashes = substring_hashes(
                self.terms_codes_,
                self._term_starts(),
                self.terms_lengths_.astype(np.intp),
                self.hash_base_,
            )
            index = self._index = HashIndex(hashes)
        return index

    def transform(self, raw_documents: Iterable[str]) -> sp.csr_matrix:
        """Return the TF-IDF matrix (float32 CSR, one row per document) of ``raw_documents``."""
        check_is_fitted(self, "idf_")
        return self._transform(self._documents(raw_documents))

    def _transform(self, documents: Sequence[str]) -> sp.csr_matrix:
        blocks = [self._transform_chunk(documents[chunk]) for chunk in chunks(documents)]
        if len(blocks) == 1:
            return blocks[0]
        if not blocks:
            return sp.csr_matrix((0, len(self.idf_)), dtype=np.float32)
        stacked: sp.csr_matrix = sp.vstack(blocks, format="csr")
        return stacked

    def _transform_chunk(self, documents: Sequence[str]) -> sp.csr_matrix:
        grams = self._extract(documents)
        hashes = substring_hashes(grams.stream, grams.starts, grams.lengths, self.hash_base_)
        columns = self._lookup().lookup(hashes)
        matrix = _count_matrix(grams, columns, len(documents), len(self.idf_))
        # TfidfTransformer.transform's steps, in float32 as it does them.
        if self.sublinear_tf:
            np.log(matrix.data, out=matrix.data)
            matrix.data += np.float32(1.0)
        matrix.data *= self.idf_[matrix.indices]
        _normalise_rows(matrix)
        return matrix

    def get_feature_names_out(self, input_features: Any = None) -> npt.NDArray[np.object_]:
        """Return the terms in column order."""
        check_is_fitted(self, "idf_")
        lengths = self.terms_lengths_.astype(np.intp)
        terms = term_strings(self.terms_codes_, self._term_starts(), lengths)
        return np.asarray(terms, dtype=object)

    @property
    def vocabulary_(self) -> dict[str, int]:
        """Term → column, like ``TfidfVectorizer.vocabulary_`` (built on each access)."""
        return {term: column for column, term in enumerate(self.get_feature_names_out())}

    def __getstate__(self) -> dict[str, Any]:
        state: dict[str, Any] = dict(super().__getstate__())
        state.pop("_index", None)
        return state


class FoldedNgramTfidfVectorizer(NgramTfidfVectorizer):
    """:class:`NgramTfidfVectorizer` that reads the evasion-folded copy of each text.

    The batch is folded once (:func:`classifier.text.fold_texts`; a
    :class:`~classifier.text.NormalisedBatch` shares its copy between the word and the char
    view), so ``fr33 b1tc0in``, ``f r e e`` and Cyrillic look-alikes share n-grams with the
    plain spelling. Expects normalised texts, like the rest of the feature union.
    """

    def _documents(self, raw_documents: Iterable[str]) -> Sequence[str]:
        return folded(_not_a_string(raw_documents))
