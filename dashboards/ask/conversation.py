"""A conversation on /ask/: the follow-ups asked in one browser session, until "New conversation".

Cortex Analyst is stateless: each request carries the conversation so far as alternating messages
(`{"role": "user", "content": [{"type": "text", ...}]}`, then the analyst's reply content as it came
back), the current question last. The conversation lives in the Django session, bound to the
workspace filters it was asked under (other filters start a new one), and keeps the last few
exchanges. The offline engine answers each question on its own, so only Cortex exchanges are kept.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

KEY = "ask_conversation"
KEEP_EXCHANGES = 5  # the newest exchanges sent back (two messages each)
CONTENT_TYPES = ("text", "sql", "suggestions")

Message = dict[str, Any]


def user_message(question: str) -> Message:
    return {"role": "user", "content": [{"type": "text", "text": question}]}


def analyst_message(content: Sequence[Mapping[str, Any]]) -> Message:
    """The analyst's reply as it came back, limited to the documented content types."""
    return {"role": "analyst", "content": [dict(c) for c in content if c.get("type") in CONTENT_TYPES]}


def _stored(session: Any, context: str) -> list[Message]:
    stored = session.get(KEY)
    if not isinstance(stored, dict) or stored.get("context") != context:
        return []
    messages = stored.get("messages")
    return list(messages) if isinstance(messages, list) else []


def earlier(session: Any, context: str, question: str) -> list[Message]:
    """The messages before `question`: asking the last question again (a reload) replaces its exchange."""
    messages = _stored(session, context)
    if len(messages) >= 2 and messages[-2]["content"][0].get("text") == question:
        messages = messages[:-2]
    return messages


def remember(session: Any, context: str, question: str, content: Sequence[Mapping[str, Any]]) -> None:
    messages = [*earlier(session, context, question), user_message(question), analyst_message(content)]
    session[KEY] = {"context": context, "messages": messages[-2 * KEEP_EXCHANGES :]}


def questions(session: Any, context: str) -> list[str]:
    """The user's questions of the current conversation, oldest first (shown on the page)."""
    return [str(m["content"][0].get("text", "")) for m in _stored(session, context) if m["role"] == "user"]


def forget(session: Any) -> None:
    session.pop(KEY, None)
