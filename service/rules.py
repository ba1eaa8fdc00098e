"""Rule signals that add reasons next to the model's scores."""

from __future__ import annotations

from collections.abc import Collection

from service.domain import Comment, Reason
from textsignals import find_signals, is_allowlisted, link_host


def has_link(body: str, allowlist: Collection[str] = ()) -> bool:
    """Whether the body carries a link or a bare domain to a host the allowlist does not name."""
    return any(
        not is_allowlisted(link_host(signal.text), allowlist)
        for signal in find_signals(body, ("links",))
    )


# Ways to reach or pay someone: what a scam needs, whatever the text around it says.
CONTACT_SIGNALS = ("phone_like", "emails", "messaging_apps", "wallet_like")


def has_contact_details(body: str) -> bool:
    """Whether the body gives a phone number, e-mail address, messaging app or wallet."""
    return bool(find_signals(body, CONTACT_SIGNALS))


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
