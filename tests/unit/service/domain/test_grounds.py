"""Every reason a comment can be held or rejected for reads as words in what the site is told."""

from __future__ import annotations

import pytest

from service.domain import Reason, Status
from service.domain.changes import Decider, statement_of_reasons


@pytest.mark.parametrize("reason", list(Reason))
def test_every_reason_has_its_own_words(reason: Reason) -> None:
    text = statement_of_reasons(Status.WITHHELD, [reason.value], Decider.SYSTEM, None)

    assert f"reason '{reason.value}'" not in text  # the fallback for an unknown code
