"""Errors raised by the :mod:`classifier` package.

Callers catch these types only: lower-layer failures (skops, zipfile, csv, OS) are re-raised as
one of them with the original exception chained as ``__cause__``.
"""

from __future__ import annotations


class ClassifierError(Exception):
    """Base class of every error raised by :mod:`classifier`."""


class DatasetError(ClassifierError):
    """A data directory or ``normalized.csv`` file is missing or malformed."""


class TrainingError(ClassifierError):
    """A model cannot be trained from the data given (e.g. a label has a single class)."""


class ArtifactError(ClassifierError):
    """A model artifact cannot be read or written (missing, corrupt, wrong content)."""


class UntrustedArtifactError(ArtifactError):
    """A model artifact contains types outside the trusted allow-list; it was not loaded."""
