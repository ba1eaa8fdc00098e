"""Identifying each comment's language once, in the process that scores it.

The verdict's language phase (``service.verdict.phases.language``) reads what is found here from
``Classification.language``; the service itself never loads the identifier's model.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence

from classifier.language import LanguageIdentifier
from service.domain import Classification, Comment, DetectedLanguage
from service.settings import ANY_LANGUAGE, Settings
from service.verdict.phases.language import declared_languages, supported_languages
from workers.model_cache import LoadedModel

log = logging.getLogger(__name__)


def accepted_languages(settings: Settings, model: LoadedModel | None) -> frozenset[str]:
    """The languages the phase will accept for comments ``model`` scores (as the phase reads
    them: the setting, else the version's declared languages)."""
    declared = model.version.data_manifest.get("languages") if model is not None else None
    return supported_languages(settings.supported_languages, declared_languages(declared))


def with_languages(
    results: Sequence[Classification],
    comments: Sequence[Comment],
    identifier: LanguageIdentifier,
    accepted: frozenset[str],
) -> list[Classification]:
    """``results`` with the language of each comment's body (none read when any is accepted).

    A fault of the identifier leaves the batch without languages (logged): the language check is
    an extra hold, and a broken one must not hold every comment of the site.
    """
    if ANY_LANGUAGE in accepted:
        return list(results)
    bodies = {c.id: c.body for c in comments}
    try:
        identified = identifier.identify_many(list(bodies.values()), accepted)
    except Exception as exc:  # e.g. the package's model file is missing or damaged
        log.warning("identifying the language of %d comment(s) failed: %r", len(bodies), exc)
        return list(results)
    found = dict(zip(bodies, identified, strict=True))
    return [
        dataclasses.replace(result, language=DetectedLanguage(i.language, i.confidence, i.letters))
        if (i := found.get(result.comment_id)) is not None
        else result
        for result in results
    ]
