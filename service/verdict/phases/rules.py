"""Phase 6, rules: signals in the text or the author's history that hold a comment for review.

A rule never decides: its reasons hold the comment unless the thresholds reject it, and then
stand beside the model's. Only the rules ops chose (``COMMENTDESK_HOLD_RULES``) hold.
"""

from __future__ import annotations

from collections.abc import Collection

from service.domain import Comment, Reason
from service.settings import Settings
from service.verdict.pipeline import CommentFacts, Say
from textsignals import find_signals, is_allowlisted, link_host

# Ways to reach or pay someone: what a scam needs, whatever the text around it says.
CONTACT_SIGNALS = ("phone_like", "emails", "messaging_apps", "wallet_like")


class Rules:
    """The hold rules ops enabled, with the site's link allowlist."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    def __call__(self, facts: CommentFacts) -> Say | None:
        """A hold with every enabled rule that fires, in a stable order; None when none does."""
        hits = rule_hits(
            facts.comment,
            is_repeat=facts.is_repeat,
            new_author_days=self._settings.new_author_days,
            link_allowlist=self._settings.links_allowed_for(facts.comment.site_id),
        )
        return hold(hits, self._settings.hold_rules)


def hold(hits: Collection[Reason], hold_rules: frozenset[str]) -> Say | None:
    """A hold with the rule reasons among ``hits`` that ``hold_rules`` enables."""
    reasons = tuple(r.value for r in hits if r.value in hold_rules)
    return Say(reasons) if reasons else None


def rule_hits(
    comment: Comment,
    *,
    is_repeat: bool,
    new_author_days: float,
    link_allowlist: Collection[str] = (),
) -> list[Reason]:
    """The rule reasons that apply to a comment, in a stable order."""
    hits: list[Reason] = []
    if has_link(comment.body, link_allowlist):
        hits.append(Reason.LINKS)
    if has_contact_details(comment.body):
        hits.append(Reason.CONTACT_DETAILS)
    if is_repeat:
        hits.append(Reason.REPEAT_POST)
    age = comment.author.account_age_days
    if age is not None and age < new_author_days:
        hits.append(Reason.NEW_AUTHOR)
    return hits


def has_link(body: str, allowlist: Collection[str] = ()) -> bool:
    """Whether the body carries a link or a bare domain to a host the allowlist does not name."""
    return any(
        not is_allowlisted(link_host(signal.text), allowlist)
        for signal in find_signals(body, ("links",))
    )


def has_contact_details(body: str) -> bool:
    """Whether the body gives a phone number, e-mail address, messaging app or wallet."""
    return bool(find_signals(body, CONTACT_SIGNALS))
