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

log = logging.getLogger(__name__)


def with_languages(
    results: Sequence[Classification],
    comments: Sequence[Comment],
    identifier: LanguageIdentifier,
) -> list[Classification]:
    """``results`` with the language of each comment's body.

    A fault of the identifier leaves the batch without languages (logged): the language check is
    an extra hold, and a broken one must not hold every comment of the site.
    """
    bodies = {c.id: c.body for c in comments}
    try:
        found = {cid: identifier.identify(body) for cid, body in bodies.items()}
    except Exception as exc:  # e.g. the package's model file is missing or damaged
        log.warning("identifying the language of %d comment(s) failed: %r", len(bodies), exc)
        return list(results)
    return [
        dataclasses.replace(result, language=DetectedLanguage(i.language, i.confidence, i.letters))
        if (i := found.get(result.comment_id)) is not None
        else result
        for result in results
    ]
