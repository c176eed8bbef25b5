"""Which mailbox an e-mail address reaches, for counting limits (issue 14).

``Anna.Svensson+1@Gmail.com`` and ``annasvensson@googlemail.com`` land in the same inbox;
counted as different addresses, thirty variants would send thirty confirmation e-mails to
one person (subscription bombing). :func:`mailbox_key` folds the variants together. It is
used only to count and to find the cooldown: the message still goes to what was typed.

* The whole address is lower-cased: almost every mail system ignores case in the local
  part, and counting too strictly errs on the safe side.
* A ``+tag`` is removed for domains that deliver ``name+tag`` to ``name``: Gmail, Outlook
  and Hotmail, iCloud, Proton and Fastmail by default, plus ``SUBSCRIPTION_PLUS_TAG_DOMAINS``.
* Gmail also ignores dots in the local part, and googlemail.com is gmail.com.
"""

from __future__ import annotations

from django.conf import settings

#: Domains known to deliver ``name+anything`` to ``name``.
PLUS_TAG_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "outlook.se",
        "hotmail.com",
        "hotmail.se",
        "live.com",
        "live.se",
        "msn.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "proton.me",
        "protonmail.com",
        "fastmail.com",
    }
)
_DOMAIN_ALIASES = {"googlemail.com": "gmail.com"}


def mailbox_key(address: str) -> str:
    """The mailbox ``address`` reaches, as a key for limits (not for sending)."""
    local, _at, domain = address.strip().lower().rpartition("@")
    if not _at:
        return address.strip().lower()
    domain = _DOMAIN_ALIASES.get(domain.rstrip("."), domain.rstrip("."))
    extra = {d.strip().lower() for d in settings.SUBSCRIPTION_PLUS_TAG_DOMAINS}
    if domain in PLUS_TAG_DOMAINS or domain in extra:
        local = local.split("+", 1)[0]
    if domain == "gmail.com":
        local = local.replace(".", "")
    return f"{local}@{domain}"
