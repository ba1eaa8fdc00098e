"""Saving and loading :class:`TextModel` artifacts with skops — never pickle.

pickle/joblib run arbitrary code on load. skops reads a zip of JSON and ``.npy`` files and only
builds types it trusts: its own defaults (builtins, numpy, scikit-learn) plus the explicit
``TRUSTED_TYPES`` below. Anything else is refused before any object is constructed.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import zipfile
from pathlib import Path

import skops.io as sio
from skops.io.exceptions import UntrustedTypesFoundException

from classifier.errors import ArtifactError, UntrustedArtifactError
from classifier.model import TextModel
from classifier.site import SiteModel

__all__ = ["TRUSTED_TYPES", "SavedModel", "artifact_sha256", "load_model", "save_model"]

# What an artifact holds: the shipped kind of model, or a site head on top of one.
SavedModel = TextModel | SiteModel

# Exactly the non-default types a TextModel or SiteModel artifact contains (what
# skops.io.get_untrusted_types reports for one), plus the n-gram view of artifacts saved before
# classifier.ngrams replaced it (they must keep loading); a test keeps this list in step with the
# code. Add a type here only when a new class of this package becomes part of the model.
TRUSTED_TYPES: tuple[str, ...] = (
    "classifier.features.TextStatsTransformer",
    "classifier.model.TextModel",
    "classifier.ngrams.vectorizer.FoldedNgramTfidfVectorizer",
    "classifier.site.SiteModel",
    "classifier.vectorizer.FoldedTfidfVectorizer",
)


def artifact_sha256(path: Path) -> str:
    """Return the hex sha256 of an artifact file.

    Raises
    ------
    ArtifactError
        If the file cannot be read.
    """
    digest = hashlib.sha256()
    try:
        with Path(path).open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        raise ArtifactError(f"cannot read model artifact {path}: {exc}") from exc
    return digest.hexdigest()


def save_model(model: SavedModel, path: Path) -> str:
    """Write ``model`` to ``path`` as a compressed skops file.

    The file is written next to ``path`` and renamed into place, so a reader never sees a
    half-written artifact.

    Parameters
    ----------
    model : TextModel or SiteModel
        Fitted model.
    path : Path
        Destination, conventionally ``*.skops``. Parent directories are created.

    Returns
    -------
    str
        Hex sha256 of the written file.

    Raises
    ------
    ArtifactError
        If the model is not a TextModel or SiteModel, or the file cannot be written.
    """
    if not isinstance(model, TextModel | SiteModel):
        raise ArtifactError(f"expected a TextModel or SiteModel, got {type(model).__name__}")
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        os.close(fd)
        try:
            sio.dump(model, tmp_name, compression=zipfile.ZIP_DEFLATED, compresslevel=9)
            # mkstemp creates 0600; the artifact is shipped and read by other processes.
            os.chmod(tmp_name, 0o644)
            os.replace(tmp_name, path)
        finally:
            Path(tmp_name).unlink(missing_ok=True)
    except OSError as exc:
        raise ArtifactError(f"cannot write model artifact {path}: {exc}") from exc
    return artifact_sha256(path)


def _untrusted_types(path: Path) -> list[str]:
    try:
        found: list[str] = sio.get_untrusted_types(file=path)
    except Exception as exc:  # skops raises assorted errors (zip, JSON, KeyError) on bad files
        raise ArtifactError(f"{path} is not a readable skops artifact: {exc}") from exc
    return [name for name in found if name not in TRUSTED_TYPES]


def load_model(path: Path) -> SavedModel:
    """Load a :class:`TextModel` or :class:`SiteModel` saved by :func:`save_model`.

    Parameters
    ----------
    path : Path
        A ``.skops`` file.

    Returns
    -------
    TextModel or SiteModel
        The model; ``metadata`` gains ``artifact_sha256`` (of this file) and, when absent,
        ``version_id`` (``v0-`` plus its first 12 hex digits) since neither can live inside the
        file they describe.

    Raises
    ------
    UntrustedArtifactError
        If the file holds any type outside the skops defaults and ``TRUSTED_TYPES``.
    ArtifactError
        If the file is missing, corrupt, or does not hold a TextModel or SiteModel.
    """
    path = Path(path)
    sha256 = artifact_sha256(path)
    untrusted = _untrusted_types(path)
    if untrusted:
        raise UntrustedArtifactError(f"{path} contains untrusted types: {', '.join(untrusted)}")
    try:
        model = sio.load(path, trusted=list(TRUSTED_TYPES))
    except UntrustedTypesFoundException as exc:
        raise UntrustedArtifactError(f"{path} contains untrusted types: {exc}") from exc
    except Exception as exc:  # a corrupt file can fail anywhere inside skops/numpy/zipfile
        raise ArtifactError(f"cannot load model artifact {path}: {exc}") from exc
    if not isinstance(model, TextModel | SiteModel):
        raise ArtifactError(f"{path} holds a {type(model).__name__}, not a TextModel or SiteModel")
    model.metadata_.setdefault("version_id", f"v0-{sha256[:12]}")
    model.metadata_["artifact_sha256"] = sha256
    return model
