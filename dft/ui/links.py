"""The client's phone, e-mail and CRM link as links the desktop opens: ``tel:``,
``mailto:`` and the CRM's own web address."""

from __future__ import annotations

import re

from PySide6.QtCore import QUrl

# "ext. 12", "x12" after the number: RFC 3966 writes it ";ext=12".
_EXTENSION = re.compile(r"\s*(?:ext\.?|x)\s*([0-9]+)\s*$", re.IGNORECASE)


def phone_url(phone: str) -> QUrl:
    """``tel:+19195550142`` from "+1 (919) 555-0142" (punctuation dropped, the + kept)."""
    extension = _EXTENSION.search(phone)
    number = phone[: extension.start()] if extension else phone
    digits = ("+" if number.strip().startswith("+") else "") + re.sub(r"[^0-9]", "", number)
    return QUrl(f"tel:{digits}" + (f";ext={extension.group(1)}" if extension else ""))


def email_url(email: str) -> QUrl:
    """``mailto:`` the client."""
    return QUrl(f"mailto:{email.strip()}")


def crm_url(link: str) -> QUrl:
    """The deal's page in the CRM (an http or https address, as the editor checks)."""
    return QUrl(link.strip(), QUrl.ParsingMode.TolerantMode)
