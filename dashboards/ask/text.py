"""Normalising words so that case, plurals, punctuation and small typos do not matter."""

from __future__ import annotations

import re

ABBREVIATIONS = {
    "avg": "average",
    "avg.": "average",
    "mean": "average",
    "no.": "number",
    "num": "number",
    "#": "number",
    "pct": "percent",
    "%": "percent",
    "qty": "quantity",
    "rev": "revenue",
}


def singular(token: str) -> str:
    if len(token) > 4 and token.endswith("ies"):
        return token[:-3] + "y"
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


def tokens(text: str) -> list[str]:
    """Lower-case words, plurals made singular, punctuation dropped, abbreviations expanded."""
    words = re.sub(r"[-_/]", " ", text.lower())
    out: list[str] = []
    for raw in words.split():
        raw = ABBREVIATIONS.get(raw, raw)
        word = re.sub(r"[^\w%]", "", raw)
        word = ABBREVIATIONS.get(word, word)
        if word:
            out.extend(singular(w) for w in word.split())
    return out


def distance(a: str, b: str, limit: int = 2) -> int:
    """Levenshtein distance, giving up (returning limit + 1) once it exceeds `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def close(word: str, known: str) -> bool:
    """Equal, or a small typo of a word long enough for a typo to be unambiguous."""
    if word == known:
        return True
    if len(known) < 5 or word.isdigit() or known.isdigit():
        return False
    return distance(word, known, 1 if len(known) < 8 else 2) <= (1 if len(known) < 8 else 2)
