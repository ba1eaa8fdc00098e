"""Synthetic comments for a crypto/finance news site, generated from templates.

The mix is mostly ordinary discussion, with scam spam (links, wallets, WhatsApp/Telegram
contacts) and abuse, so the workers score and route a realistic spread. Nothing here is taken
from the labelled datasets: every body is assembled from the phrases below.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable

SHARE_SPAM = 0.12
SHARE_ABUSE = 0.06
AUTHOR_POOL = 5_000
ARTICLE_POOL = 300

_ASSETS = ["BTC", "ETH", "SOL", "XRP", "ADA", "bitcoin", "ether", "the S&P", "gold", "the dollar"]
_EVENTS = [
    "the ETF inflows",
    "the Fed's rate decision",
    "the halving",
    "the SEC lawsuit",
    "the exchange outage",
    "the CPI print",
    "the staking unlock",
    "the bank earnings",
    "the stablecoin depeg",
    "the miners selling",
]
_OPINIONS = [
    "I think {asset} is overextended after {event}, a pullback to the 50-day average looks likely.",
    "Good article. {event} was priced in weeks ago, which is why {asset} barely moved.",
    "Does anyone know whether {event} affects custody rules for {asset} in the EU?",
    "The author skips over fees. Holding {asset} through {event} cost me more than I expected.",
    "I've been dollar-cost averaging into {asset} for three years and {event} doesn't change that.",
    "Volume was thin, so I wouldn't read much into how {asset} reacted to {event}.",
    "Correction: the figure in the third paragraph is quarterly, not annual.",
    "Interesting take, but {event} matters less for {asset} than liquidity does right now.",
    "My pension fund just added {asset} exposure. Strange times after {event}.",
    "Would love a follow-up on how {event} hits retail traders versus institutions.",
]
_TAILS = [
    "",
    " Just my two cents.",
    " Not financial advice, obviously.",
    " Thanks for the reporting.",
    " Happy to be proven wrong.",
    " We'll see next quarter.",
    " Anyone else seeing this?",
]
_SPAM = [
    "I made {n}x on {asset} thanks to Mrs. Laura, the best investment manager. WhatsApp "
    "+1 ({a}) {b}-{c} and tell her I sent you!!!",
    "Lost your {asset} to a scam? Recovery experts got mine back in 48h. Contact "
    "t.me/recoverpro{n} or email recover{n}@fundsback.example",
    "GIVEAWAY!!! Send 0.1 {asset} to 0x{wallet} and receive {n} back instantly. Limited slots!",
    "Free signals group, {n}% daily profit guaranteed: https://pump-signals{n}.example/join",
    "Earn $ {n},000 weekly from home trading {asset}, message me on Telegram @cryptoqueen{n}",
    "Double your {asset} in 24 hours, verified wallet bc1q{wallet} — hurry before it closes",
]
_ABUSE = [
    "Only an idiot would buy {asset} after {event}. The author is clueless.",
    "You people are morons. Shut up and stop writing garbage about {asset}.",
    "What a stupid article. Whoever wrote this should be fired, pathetic loser.",
    "Typical clown commenters here, {asset} bagholders crying again. Get lost.",
]
_AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
]


def _body(rng: random.Random) -> tuple[str, str]:
    slots = {
        "asset": rng.choice(_ASSETS),
        "event": rng.choice(_EVENTS),
        "n": rng.randint(2, 90),
        "a": rng.randint(200, 989),
        "b": rng.randint(200, 989),
        "c": rng.randint(1000, 9999),
        "wallet": f"{rng.getrandbits(160):040x}",
    }
    draw = rng.random()
    if draw < SHARE_SPAM:
        return "spam", rng.choice(_SPAM).format(**slots)
    if draw < SHARE_SPAM + SHARE_ABUSE:
        return "abuse", rng.choice(_ABUSE).format(**slots)
    return "ordinary", rng.choice(_OPINIONS).format(**slots) + rng.choice(_TAILS)


def discussion_piece(rng: random.Random) -> str:
    """One sentence of ordinary discussion (no spam, no abuse)."""
    slots = {"asset": rng.choice(_ASSETS), "event": rng.choice(_EVENTS)}
    return rng.choice(_OPINIONS).format(**slots) + rng.choice(_TAILS)


def comment_payload(
    rng: random.Random, ordinary: Callable[[random.Random], str] | None = None
) -> dict[str, object]:
    """One ``POST /v1/comments`` body; ``ordinary`` writes the ordinary ones' text, if given."""
    kind, body = _body(rng)
    if kind == "ordinary" and ordinary is not None:
        body = ordinary(rng)
    author = rng.randrange(AUTHOR_POOL)
    article = rng.randrange(ARTICLE_POOL)
    age = rng.choice([0.2, 1.0, 30.0, 400.0]) if kind == "spam" else rng.uniform(3, 2000)
    return {
        "article_id": f"news-{article:04d}",
        "author": {
            "id": f"reader-{author}",
            "display_name": f"Reader {author}",
            "account_age_days": round(age, 1),
        },
        "body": body,
        "envelope": {
            "ip": f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}",
            "user_agent": rng.choice(_AGENTS),
            "referrer": f"https://news.example/markets/news-{article:04d}",
            "permalink": f"https://news.example/markets/news-{article:04d}#comments",
        },
    }


def payload_bodies(count: int, seed: int) -> list[bytes]:
    """``count`` encoded request bodies, reproducible from ``seed``."""
    rng = random.Random(seed)
    return [json.dumps(comment_payload(rng)).encode() for _ in range(count)]
