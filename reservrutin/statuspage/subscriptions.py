"""Subscriptions to driftinfo: subscribe, confirm, unsubscribe, register and remove.

Public self-service (no login, LMN-03): e-mail with double opt-in (a signed link), SMS with
a six-digit code, webhooks with a per-subscription secret, Teams through a workflow URL.
Coordinators register key persons, function mailboxes and private providers' managers
without opt-in (SOD-03, SOD-06), with an audit entry.

Who gets which message about a notice or a planned outage is ``fanout.py``. See
docs/subscriptions.md.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from reservrutin.accounts.access import Role, has_role
from reservrutin.accounts.models import Organisation, Unit, User
from reservrutin.audit.actions import record_event
from reservrutin.lib import clock, safehttp
from reservrutin.lib.mailbox import mailbox_key
from reservrutin.lib.phone import sms_number
from reservrutin.lib.signing import generate_webhook_secret
from reservrutin.notifications.actions import enqueue_message
from reservrutin.registry.models import System
from reservrutin.statuspage.models import SubscribeAttempt, Subscription

Trigger = Subscription.Trigger
Channel = Subscription.Channel

CONFIRM_SALT = "statuspage.confirm"
UNSUBSCRIBE_SALT = "statuspage.unsubscribe"
#: An e-mail confirmation link works this long (the pending row stays until then).
CONFIRM_MAX_AGE = dt.timedelta(days=3)
SMS_CODE_VALID = dt.timedelta(minutes=15)
SMS_CODE_MAX_ATTEMPTS = 5
#: How long SubscribeAttempt rows are kept (the admin's view of floods and refusals).
ATTEMPTS_KEPT = dt.timedelta(days=30)

#: What a public subscriber gets unless they choose otherwise.
DEFAULT_TRIGGERS = [Trigger.NEW_OUTAGE, Trigger.BACKUP_ACTIVATED, Trigger.RESOLVED]


class RateLimited(ValidationError):
    """Too many subscribe attempts from this client, for this target or for the organisation,
    or a confirmation was sent to the target a moment ago."""


@dataclass(frozen=True)
class SubscribeResult:
    subscription: Subscription
    #: The webhook secret, returned exactly once so the page can show it.
    webhook_secret: str = ""


# --- Addresses and tokens -----------------------------------------------------------------


def normalise_address(
    channel: str,
    address: str,
    *,
    sms_countries: frozenset[int] = frozenset(),
    resolve: bool = True,
) -> str:
    """``address`` in the form we store, or ``ValidationError`` (keyed on ``address``) with
    a message a member of the public understands. URLs are checked against the outbound
    policy now, so a form pointing at an internal address fails here and nothing is sent;
    with ``resolve=False`` only their shape is, and the caller runs ``check_url_target``
    once the attempt is counted (a host name lookup is work an attacker must pay for).
    SMS numbers must be mobile numbers in Sweden or in ``sms_countries`` (the organisation's
    opt-in), never premium-rate or satellite numbers (``lib/phone.sms_number``)."""
    address = address.strip()
    if not address:
        raise ValidationError({"address": _("Fyll i en adress.")})
    if channel == Channel.EMAIL:
        try:
            validate_email(address)
        except ValidationError:
            raise ValidationError(
                {"address": _("Skriv en e-postadress, till exempel namn@example.se.")}
            ) from None
        local, _at, domain = address.rpartition("@")
        return f"{local}@{domain.lower()}"
    if channel == Channel.SMS:
        try:
            return sms_number(address, countries=sms_countries)
        except ValidationError as exc:
            raise ValidationError({"address": exc.error_list}) from None
    if channel in (Channel.WEBHOOK, Channel.TEAMS):
        url = _check_url_shape(address)
        return check_url_target(url) if resolve else url
    raise ValidationError({"channel": _("Välj en kanal.")})


def limit_target(channel: str, address: str) -> str:
    """What limits count for a stored ``address``: the mailbox it reaches (case and ``+tag``
    folded, ``lib/mailbox.py``), the E.164 number, or the URL."""
    if channel == Channel.EMAIL:
        return mailbox_key(address)
    return address


def _check_url_shape(url: str) -> str:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in {"https", "http"} or not parts.hostname:
        raise ValidationError(
            {"address": _("Skriv en fullständig adress som börjar med https://.")}
        )
    if parts.username or parts.password:
        raise ValidationError({"address": _("Adressen får inte innehålla lösenord.")})
    return url


def check_url_target(url: str) -> str:
    """``url`` if its host resolves to an address the outbound policy allows (DNS: call
    it outside any transaction, after the attempt has been counted)."""
    parts = urlsplit(url)
    assert parts.hostname is not None
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        safehttp.resolve_allowed(parts.hostname, port)
    except safehttp.ForbiddenAddress:
        raise ValidationError(
            {
                "address": _(
                    "Adressen pekar på ett internt nät som vi inte får skicka till. "
                    "Använd en publik adress eller be förvaltningen lägga till den."
                )
            }
        ) from None
    except safehttp.ConnectionFailed:
        raise ValidationError(
            {"address": _("Vi hittar inte värden i adressen. Kontrollera stavningen.")}
        ) from None
    return url


def confirm_token(subscription: Subscription) -> str:
    return signing.dumps(str(subscription.code), salt=CONFIRM_SALT)


def unsubscribe_token(subscription: Subscription) -> str:
    # No max_age: an unsubscribe link in a year-old e-mail must still work (RFC 8058).
    return signing.dumps(str(subscription.code), salt=UNSUBSCRIBE_SALT)


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def confirm_url(subscription: Subscription) -> str:
    return _absolute(
        reverse(
            "subscriptions:confirm",
            args=[subscription.organisation.key, confirm_token(subscription)],
        )
    )


def unsubscribe_url(subscription: Subscription) -> str:
    return _absolute(reverse("subscriptions:unsubscribe", args=[unsubscribe_token(subscription)]))


def status_url(organisation: Organisation) -> str:
    # The integrator's public page lives at /status/<org>/ (statuspage/urls.py).
    return _absolute(f"/status/{organisation.key}/")


def subscription_from_token(
    token: str, *, salt: str, max_age: dt.timedelta | None = None
) -> Subscription:
    """The subscription a signed token names, or ``ValidationError`` if it is forged,
    expired or names nothing."""
    try:
        code = signing.loads(token, salt=salt, max_age=max_age)
        return Subscription.objects.select_related("organisation").get(code=code)
    except (signing.BadSignature, Subscription.DoesNotExist, ValidationError, ValueError):
        raise ValidationError(_("Länken är ogiltig eller för gammal.")) from None


# --- Public self-service ------------------------------------------------------------------


def _clean_triggers(triggers: Iterable[str]) -> list[str]:
    chosen = [t for t in Trigger.values if t in set(triggers)]
    if not chosen:
        raise ValidationError({"triggers": _("Välj minst en händelse.")})
    return chosen


def _clean_scope(
    organisation: Organisation, scope: str, system: System | None, unit: Unit | None
) -> tuple[System | None, Unit | None]:
    if scope == Subscription.Scope.ORGANISATION:
        return None, None
    if scope == Subscription.Scope.SYSTEM:
        if system is None or system.organisation_id != organisation.pk:
            raise ValidationError({"system": _("Välj ett system i organisationen.")})
        return system, None
    if scope == Subscription.Scope.UNIT:
        # No systems are chosen here: the registry's links are read at each message, so a
        # unit without systems yet is covered from the day one is linked.
        if unit is None or unit.organisation_id != organisation.pk:
            raise ValidationError({"unit": _("Välj en enhet i organisationen.")})
        return None, unit
    raise ValidationError({"scope": _("Välj vad prenumerationen gäller.")})


def _admit(
    organisation: Organisation,
    *,
    channel: str,
    address: str,
    ip: str | None,
    sends_message: bool,
) -> SubscribeAttempt:
    """Record this attempt and decide whether it may go on; ``RateLimited`` if not.

    Its own transaction, committed before the error is raised, so refused attempts count
    and stay visible in the admin. The organisation's row is locked while counting, so two
    processes cannot both pass the last free place (PostgreSQL; SQLite's write lock
    serialises instead). Limits, each per hour:

    1. attempts from this client (``SUBSCRIBE_PER_CLIENT_PER_HOUR``);
    2. a cooldown per target after a confirmation (``SUBSCRIBE_CONFIRMATION_COOLDOWN_MINUTES``);
    3. confirmations to this target (``SUBSCRIBE_CONFIRMATIONS_PER_TARGET_PER_HOUR``);
    4. confirmations for the organisation (``SUBSCRIBE_CONFIRMATIONS_PER_ORGANISATION_PER_HOUR``).

    Limits 2–4 apply only when the attempt would send a confirmation (``sends_message``);
    those are the attempts with outcome ``sent``. Webhooks, Teams and an address that
    already subscribes send none.
    """
    Outcome = SubscribeAttempt.Outcome
    now = clock.now()
    hour_ago = now - dt.timedelta(hours=1)
    target = limit_target(channel, address)
    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        recent = SubscribeAttempt.objects.filter(created_at__gte=hour_ago)
        sent = recent.filter(outcome=Outcome.SENT)
        cooldown = dt.timedelta(minutes=settings.SUBSCRIBE_CONFIRMATION_COOLDOWN_MINUTES)
        outcome = Outcome.SENT if sends_message else Outcome.NO_MESSAGE
        reason, message = "", ""
        if ip and recent.filter(ip=ip).count() >= settings.SUBSCRIBE_PER_CLIENT_PER_HOUR:
            outcome, reason = Outcome.LIMITED, "client"
            message = _("För många försök härifrån. Vänta en timme och försök igen.")
        elif not sends_message:
            pass
        elif sent.filter(target=target, created_at__gt=now - cooldown).exists():
            outcome, reason = Outcome.COOLDOWN, "target"
            message = _(
                "Vi har nyss skickat en bekräftelse till den adressen. Titta efter den, eller "
                "vänta %(minutes)d minuter och försök igen."
            ) % {"minutes": settings.SUBSCRIBE_CONFIRMATION_COOLDOWN_MINUTES}
        elif (
            sent.filter(target=target).count()
            >= settings.SUBSCRIBE_CONFIRMATIONS_PER_TARGET_PER_HOUR
        ):
            outcome, reason = Outcome.LIMITED, "target"
            message = _("För många försök för den adressen. Vänta en timme och försök igen.")
        elif (
            sent.filter(organisation=organisation).count()
            >= settings.SUBSCRIBE_CONFIRMATIONS_PER_ORGANISATION_PER_HOUR
        ):
            outcome, reason = Outcome.LIMITED, "organisation"
            message = _("Just nu kommer det väldigt många anmälningar. Försök igen om en timme.")
        # Old rows are only useful for the admin's month; drop them as we go.
        SubscribeAttempt.objects.filter(created_at__lt=now - ATTEMPTS_KEPT).delete()
        attempt = SubscribeAttempt.objects.create(
            organisation=organisation,
            channel=channel,
            address=address,
            target=target,
            ip=ip or None,
            outcome=outcome,
            reason=reason,
            created_at=now,
        )
    if message:
        raise RateLimited({"address": message})
    return attempt


def _refused(
    organisation: Organisation, *, channel: str, address: str, ip: str | None, reason: str
) -> None:
    """Keep a refused address (a premium-rate number, a foreign one) for the admin to see;
    it counts towards the client's limit like any attempt."""
    SubscribeAttempt.objects.create(
        organisation=organisation,
        channel=channel,
        address=address.strip()[:200],
        target="",
        ip=ip or None,
        outcome=SubscribeAttempt.Outcome.REFUSED,
        reason=reason[:200],
        created_at=clock.now(),
    )


def subscribe(
    organisation: Organisation,
    *,
    channel: str,
    address: str,
    triggers: Iterable[str] = DEFAULT_TRIGGERS,
    scope: str = Subscription.Scope.ORGANISATION,
    system: System | None = None,
    unit: Unit | None = None,
    ip: str | None = None,
) -> SubscribeResult:
    """A member of the public asks for driftinfo (LMN-03).

    1. Validate shape, scope and the URL policy; an SMS number must be a mobile number we
       may send to (refusals are recorded for the admin).
    2. Admit the attempt against the limits (:func:`_admit`: per client, cooldown and
       limit per target mailbox or number, per organisation); the attempt row commits
       even when refused.
    3. E-mail: a pending row and a confirmation link (double opt-in). SMS: a pending row and
       a six-digit code, stored hashed. Webhook/Teams: active at once (a URL cannot click a
       link); the webhook secret is returned once.
    An address that already has the same active subscription gets nothing new, so the form
    does not reveal who subscribes.
    """
    try:
        address = normalise_address(
            channel, address, sms_countries=organisation.sms_countries, resolve=False
        )
    except ValidationError as exc:
        if channel == Channel.SMS:
            _refused(
                organisation,
                channel=channel,
                address=address,
                ip=ip,
                reason=exc.error_dict["address"][0].code or "invalid",
            )
        raise
    triggers = _clean_triggers(triggers)
    system, unit = _clean_scope(organisation, scope, system, unit)
    same = Subscription.objects.filter(
        organisation=organisation,
        channel=channel,
        address=address,
        scope=scope,
        system=system,
        unit=unit,
    ).exclude(status=Subscription.Status.UNSUBSCRIBED)
    sends_message = (
        channel in (Channel.EMAIL, Channel.SMS)
        and not same.filter(status=Subscription.Status.ACTIVE).exists()
    )
    attempt = _admit(
        organisation, channel=channel, address=address, ip=ip, sends_message=sends_message
    )
    # Only now, with the attempt counted and committed, is the host name looked up, outside
    # any transaction: a flood of made-up hosts meets the limit first (issue 14).
    if channel in (Channel.WEBHOOK, Channel.TEAMS):
        check_url_target(address)
    with transaction.atomic():
        return _subscribe(
            organisation,
            attempt,
            same.select_for_update(),
            channel=channel,
            address=address,
            triggers=triggers,
            system=system,
            unit=unit,
            ip=ip,
            scope=scope,
        )


def _subscribe(
    organisation: Organisation,
    attempt: SubscribeAttempt,
    same: QuerySet[Subscription],
    *,
    channel: str,
    address: str,
    triggers: list[str],
    scope: str,
    system: System | None,
    unit: Unit | None,
    ip: str | None,
) -> SubscribeResult:
    now = clock.now()
    existing = same.first()
    if existing is not None and existing.status == Subscription.Status.ACTIVE:
        _no_message(attempt)
        return SubscribeResult(existing)

    activate_now = channel in (Channel.WEBHOOK, Channel.TEAMS)
    secret = generate_webhook_secret() if channel == Channel.WEBHOOK else ""
    if existing is not None:
        # Still pending (only e-mail and SMS wait): take the new choices, send a new link
        # or code below.
        sub = existing
        sub.triggers = triggers
        sub.save(update_fields=["triggers"])
    else:
        sub = Subscription.objects.create(
            organisation=organisation,
            scope=scope,
            system=system,
            unit=unit,
            channel=channel,
            address=address,
            triggers=triggers,
            webhook_secret=secret,
            status=Subscription.Status.ACTIVE if activate_now else Subscription.Status.PENDING,
            confirmed_at=now if activate_now else None,
            created_at=now,
        )

    if channel == Channel.EMAIL:
        _send_confirm_email(sub, attempt)
    elif channel == Channel.SMS:
        _send_sms_code(sub, attempt)
    else:
        _no_message(attempt)
    record_event(
        "statuspage.subscribe",
        actor=None,
        obj=sub,
        organisation=organisation,
        address=ip,
        channel=channel,
        status=sub.status,
    )
    return SubscribeResult(sub, webhook_secret=secret)


def _no_message(attempt: SubscribeAttempt) -> None:
    # Only attempts that sent a confirmation count towards the confirmation limits.
    SubscribeAttempt.objects.filter(pk=attempt.pk).update(
        outcome=SubscribeAttempt.Outcome.NO_MESSAGE
    )


def _send_confirm_email(sub: Subscription, attempt: SubscribeAttempt) -> None:
    context = {
        "organisation": sub.organisation,
        "confirm_url": confirm_url(sub),
        "subscription": sub,
    }
    enqueue_message(
        kind="email",
        recipient=sub.address,
        subject=render_to_string("emails/subscription-confirm-subject.txt", context).strip(),
        body=render_to_string("emails/subscription-confirm-body.txt", context),
        body_html=render_to_string("emails/subscription-confirm-body.html", context),
        dedupe_key=f"subscription:{sub.code}:confirm:{attempt.pk}",
        organisation=sub.organisation,
        source="statuspage.subscription.confirm",
        reference=sub,
    )


def _code_hash(sub: Subscription, code: str) -> str:
    return salted_hmac("statuspage.sms-code", f"{sub.code}:{code}", algorithm="sha256").hexdigest()


def _send_sms_code(sub: Subscription, attempt: SubscribeAttempt) -> None:
    code = f"{secrets.randbelow(10**6):06d}"
    sub.confirm_code_hash = _code_hash(sub, code)
    sub.confirm_code_expires_at = clock.now() + SMS_CODE_VALID
    sub.confirm_attempts = 0
    sub.save(update_fields=["confirm_code_hash", "confirm_code_expires_at", "confirm_attempts"])
    enqueue_message(
        kind="sms",
        recipient=sub.address,
        body=_("Din kod för driftinfo från %(org)s: %(code)s")
        % {"org": sub.organisation.name, "code": code},
        dedupe_key=f"subscription:{sub.code}:code:{attempt.pk}",
        organisation=sub.organisation,
        source="statuspage.subscription.confirm",
        reference=sub,
    )


def _activate(sub: Subscription) -> None:
    sub.status = Subscription.Status.ACTIVE
    sub.confirmed_at = clock.now()
    sub.confirm_code_hash = ""
    sub.save(update_fields=["status", "confirmed_at", "confirm_code_hash"])
    record_event(
        "statuspage.subscription_confirmed", actor=None, obj=sub, organisation=sub.organisation
    )


@transaction.atomic
def confirm_subscription(token: str) -> Subscription:
    """The e-mail confirmation link was followed: a pending subscription becomes active.
    Following it again is harmless; an unsubscribed one stays unsubscribed."""
    sub = subscription_from_token(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    sub = Subscription.objects.select_for_update().select_related("organisation").get(pk=sub.pk)
    if sub.status == Subscription.Status.PENDING:
        _activate(sub)
    return sub


def confirm_sms_code(subscription: Subscription, code: str) -> Subscription:
    """Check the code the subscriber typed. At most ``SMS_CODE_MAX_ATTEMPTS`` tries per code,
    and only until it expires; the error says what to do next.

    A wrong code is counted in the transaction that is committed *before* the error is
    raised, so guessing cannot roll its own counter back.
    """
    with transaction.atomic():
        sub = (
            Subscription.objects.select_for_update()
            .select_related("organisation")
            .get(pk=subscription.pk)
        )
        if sub.status == Subscription.Status.ACTIVE:
            return sub
        if sub.status != Subscription.Status.PENDING or not sub.confirm_code_hash:
            raise ValidationError({"code": _("Det finns ingen kod att bekräfta. Börja om.")})
        if sub.confirm_code_expires_at is None or sub.confirm_code_expires_at < clock.now():
            raise ValidationError({"code": _("Koden har gått ut. Börja om för att få en ny.")})
        if sub.confirm_attempts >= SMS_CODE_MAX_ATTEMPTS:
            raise ValidationError(
                {"code": _("För många felaktiga försök. Börja om för att få en ny kod.")}
            )
        if constant_time_compare(_code_hash(sub, code.strip()), sub.confirm_code_hash):
            _activate(sub)
            return sub
        Subscription.objects.filter(pk=sub.pk).update(confirm_attempts=F("confirm_attempts") + 1)
        left = SMS_CODE_MAX_ATTEMPTS - sub.confirm_attempts - 1
    raise ValidationError({"code": _("Fel kod. %(left)d försök kvar.") % {"left": left}})


@transaction.atomic
def unsubscribe(token: str, *, ip: str | None = None) -> Subscription:
    """One-click unsubscribe (RFC 8058): the signed token alone is the authority."""
    sub = subscription_from_token(token, salt=UNSUBSCRIBE_SALT)
    sub = Subscription.objects.select_for_update().select_related("organisation").get(pk=sub.pk)
    if sub.status != Subscription.Status.UNSUBSCRIBED:
        sub.status = Subscription.Status.UNSUBSCRIBED
        sub.unsubscribed_at = clock.now()
        sub.save(update_fields=["status", "unsubscribed_at"])
        record_event(
            "statuspage.unsubscribe", actor=None, obj=sub, organisation=sub.organisation, address=ip
        )
    return sub


# --- Coordinators -------------------------------------------------------------------------


@transaction.atomic
def register_subscriber(
    organisation: Organisation,
    *,
    by: User,
    channel: str,
    address: str,
    triggers: Iterable[str],
    label: str = "",
    scope: str = Subscription.Scope.ORGANISATION,
    system: System | None = None,
    unit: Unit | None = None,
) -> SubscribeResult:
    """A coordinator registers a key person, a function mailbox or a private provider's
    manager (SOD-03, SOD-06): active at once, without opt-in, and audited."""
    if not has_role(by, organisation, Role.COORDINATOR):
        raise PermissionDenied(_("Bara samordnare får registrera prenumeranter."))
    address = normalise_address(channel, address, sms_countries=organisation.sms_countries)
    triggers = _clean_triggers(triggers)
    system, unit = _clean_scope(organisation, scope, system, unit)
    now = clock.now()
    secret = generate_webhook_secret() if channel == Channel.WEBHOOK else ""
    sub = Subscription.objects.create(
        organisation=organisation,
        scope=scope,
        system=system,
        unit=unit,
        channel=channel,
        address=address,
        label=label.strip(),
        webhook_secret=secret,
        triggers=triggers,
        status=Subscription.Status.ACTIVE,
        created_at=now,
        confirmed_at=now,
        registered_by=by,
    )
    record_event(
        "statuspage.subscriber_registered",
        actor=by,
        obj=sub,
        organisation=organisation,
        channel=channel,
        recipient=address,
        triggers=triggers,
    )
    return SubscribeResult(sub, webhook_secret=secret)


@transaction.atomic
def remove_subscriber(subscription: Subscription, *, by: User) -> Subscription:
    """A coordinator ends a subscription (the row stays, unsubscribed, for the audit)."""
    sub = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if not has_role(by, sub.organisation, Role.COORDINATOR):
        raise PermissionDenied(_("Bara samordnare får ta bort prenumeranter."))
    if sub.status != Subscription.Status.UNSUBSCRIBED:
        sub.status = Subscription.Status.UNSUBSCRIBED
        sub.unsubscribed_at = clock.now()
        sub.save(update_fields=["status", "unsubscribed_at"])
        record_event(
            "statuspage.subscriber_removed", actor=by, obj=sub, organisation=sub.organisation
        )
    return sub
