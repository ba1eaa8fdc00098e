"""The moderation phases, in the order that decides (see ``service.verdict.pipeline``).

1. author policy: a banned or suspended author's comment is rejected, a premoderated one held;
2. watched words: the site's banned words reject and its suspect words hold, with the words as
   evidence; they need no score, so they come before a classifier error is looked at;
   then author trust: a trusted author's low-scoring comment is approved (banned words apply to
   everyone; the holds below do not apply to trusted authors);
3. article policy: what the site or its moderators set for the article holds comments;
4. author history: the site's first-comments and recent-rejections rules hold comments;
5. classifier error: without scores nothing below can judge, so the comment goes to a human;
   then the content phases: language (a comment the model cannot read is held);
6. rules: holds from the text and the author's history, kept beside any later decision;
7. thresholds: the model's bands decide last, over whatever the phases before held.

Content checks that can decide on their own (watched words, language) belong between the author
policy and the thresholds, as Coral runs its word list before toxicity.
"""

from __future__ import annotations

from service.settings import Settings
from service.verdict.evidence import RejectEvidence
from service.verdict.phases.article_policy import ArticlePolicy
from service.verdict.phases.author_history import AuthorHistory
from service.verdict.phases.author_policy import author_policy, author_trust
from service.verdict.phases.classifier_error import classifier_error
from service.verdict.phases.language import Language
from service.verdict.phases.rules import Rules
from service.verdict.phases.thresholds import Thresholds
from service.verdict.phases.watched_words import WatchedWords
from service.verdict.pipeline import Phase


def moderation_phases(settings: Settings) -> tuple[Phase, ...]:
    """The phases every system verdict runs through, in order."""
    return (
        author_policy,
        WatchedWords(settings),
        author_trust,
        ArticlePolicy(settings),
        AuthorHistory(settings),
        classifier_error,
        Language(settings),
        Rules(settings),
        Thresholds(RejectEvidence(settings)),
    )
