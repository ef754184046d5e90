"""A user's questions: each one audited, the last 50 kept for re-asking (the page and the API)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts import audit

from ..models import AskedQuestion
from .answer import Answer
from .interpret import MAX_LENGTH


def remember(request: HttpRequest, user: User, answer: Answer, context: str) -> None:
    """Audit the question (always) and keep it in the user's history (if it was a question at all)."""
    audit.record(
        "question", answer.question[:MAX_LENGTH], request=request, status=answer.status, engine=answer.engine
    )
    if not answer.question.strip() or len(answer.question) > MAX_LENGTH:
        return
    AskedQuestion.objects.create(user=user, question=answer.question, context=context, status=answer.status)
    mine = AskedQuestion.objects.filter(user=user)
    keep = list(mine.values_list("id", flat=True)[: AskedQuestion.KEEP])
    mine.exclude(id__in=keep).delete()


def recent(user: User) -> QuerySet[AskedQuestion]:
    """The user's last questions, newest first."""
    return AskedQuestion.objects.filter(user=user)[: AskedQuestion.KEEP]
