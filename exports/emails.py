"""E-mails through Django's mail API (EMAIL_URL): each message is built by one function.

Templates: emails/<name>-subject.txt, emails/<name>-body.txt and emails/<name>-body.html.
"""

from __future__ import annotations

from email.mime.image import MIMEImage
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import SafeMIMEMultipart
from django.template.loader import render_to_string


class RelatedMessage(EmailMultiAlternatives):
    """text + HTML alternatives whose HTML shows inline images (cid:), plus ordinary attachments."""

    def __init__(
        self, *args: Any, inline_images: list[tuple[str, bytes]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.inline_images = inline_images or []

    def _create_alternatives(self, msg: Any) -> Any:
        msg = super()._create_alternatives(msg)  # type: ignore[misc]  # Django builds the parts here
        if not self.inline_images:
            return msg
        related = SafeMIMEMultipart(_subtype="related", encoding=self.encoding)
        related.attach(msg)
        for cid, png in self.inline_images:
            image = MIMEImage(png, _subtype="png")
            image.add_header("Content-ID", f"<{cid}>")
            image.add_header("Content-Disposition", "inline", filename=f"{cid}.png")
            related.attach(image)
        return related


def make_message(
    name: str,
    to: str,
    context: dict[str, Any],
    *,
    headers: dict[str, str] | None = None,
    inline_images: list[tuple[str, bytes]] | None = None,
    attachments: list[tuple[str, bytes, str]] | None = None,
) -> RelatedMessage:
    context = {"portal_url": settings.PORTAL_URL, **context}
    subject = " ".join(render_to_string(f"emails/{name}-subject.txt", context).split())
    text = render_to_string(f"emails/{name}-body.txt", context)
    html = render_to_string(f"emails/{name}-body.html", context)
    msg = RelatedMessage(
        subject, text, settings.DEFAULT_FROM_EMAIL, [to], headers=headers or {}, inline_images=inline_images
    )
    msg.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments or []:
        msg.attach(filename, content, mimetype)
    return msg
