"""Vectorised TF-IDF n-gram features (see :mod:`classifier.ngrams.vectorizer`)."""

from classifier.ngrams.vectorizer import FoldedNgramTfidfVectorizer, NgramTfidfVectorizer

__all__ = ["FoldedNgramTfidfVectorizer", "NgramTfidfVectorizer"]
