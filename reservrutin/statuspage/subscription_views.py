"""Pages for subscriptions (public, no login) and for coordinators: subscribers and planned
outages. Thin: forms check shape, the actions in ``subscriptions.py`` and ``planned.py``
enforce the rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from reservrutin.accounts.access import Role, get_organisation_for_user, has_role
from reservrutin.accounts.models import Organisation, Unit
from reservrutin.lib import clock, params
from reservrutin.lib.clientaddress import client_address
from reservrutin.registry.models import System
from reservrutin.registry.queries import systems_by_unit
from reservrutin.statuspage import planned, subscriptions
from reservrutin.statuspage.models import PlannedOccurrence, PlannedWindow, Subscription

PUBLIC_TRIGGERS = [
    (t.value, t.label)
    for t in Subscription.Trigger
    if t not in (Subscription.Trigger.PLANNED_START, Subscription.Trigger.PLANNED_END)
]


def _apply_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put an action's errors on the form fields they name, the rest on the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class SubscribeForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Hur vill du få driftinfo?"),
        choices=Subscription.Channel.choices,
        initial=Subscription.Channel.EMAIL,
        widget=forms.RadioSelect,
    )
    address = forms.CharField(
        label=_("Adress"),
        max_length=2000,
        help_text=_("E-postadress, mobilnummer eller webbadress (https://…) beroende på kanal."),
    )
    system = forms.ModelChoiceField(
        label=_("System"),
        queryset=System.objects.none(),
        required=False,
        empty_label=_("Alla system"),
    )
    triggers = forms.MultipleChoiceField(
        label=_("Vad vill du få veta?"),
        choices=PUBLIC_TRIGGERS,
        initial=list(subscriptions.DEFAULT_TRIGGERS),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["system"].queryset = organisation.systems.filter(public=True)


class RegisterForm(SubscribeForm):
    label = forms.CharField(
        label=_("Vem eller vad"),
        max_length=200,
        required=False,
        help_text=_("T.ex. nyckelperson, funktionsbrevlåda eller privat utförares chef."),
    )
    unit = forms.ModelChoiceField(
        label=_("Enhet"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("Ingen"),
        help_text=_(
            "Driftinfo om de system enheten och enheterna under den använder enligt "
            "registret, också system som kopplas till enheten senare."
        ),
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, organisation=organisation, **kwargs)
        self.fields["system"].queryset = organisation.systems.all()
        self.fields["unit"].queryset = organisation.units.all()
        self.fields["triggers"].choices = Subscription.Trigger.choices

    def scope(self) -> dict[str, Any]:
        data = self.cleaned_data
        if data.get("unit"):
            return {"scope": Subscription.Scope.UNIT, "unit": data["unit"]}
        if data.get("system"):
            return {"scope": Subscription.Scope.SYSTEM, "system": data["system"]}
        return {"scope": Subscription.Scope.ORGANISATION}


def _public_scope(data: dict[str, Any]) -> dict[str, Any]:
    if data.get("system"):
        return {"scope": Subscription.Scope.SYSTEM, "system": data["system"]}
    return {"scope": Subscription.Scope.ORGANISATION}


# --- Public -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest, org: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, key=org)
    form = SubscribeForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = subscriptions.subscribe(
                organisation,
                channel=data["channel"],
                address=data["address"],
                triggers=data["triggers"],
                ip=client_address(request),
                **_public_scope(data),
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            sub = result.subscription
            if sub.channel == Subscription.Channel.SMS and sub.status == sub.Status.PENDING:
                return redirect("subscriptions:sms_code", organisation.key, sub.code)
            # Rendered, not redirected: the webhook secret is shown this once only.
            return render(
                request,
                "subscriptions/subscribe_done.html",
                {
                    "organisation": organisation,
                    "subscription": sub,
                    "secret": result.webhook_secret,
                },
            )
    status = 400 if form.errors else 200
    return render(
        request,
        "subscriptions/subscribe.html",
        {"organisation": organisation, "form": form},
        status=status,
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Kod från SMS"),
        min_length=6,
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


@require_http_methods(["GET", "POST"])
def sms_code(request: HttpRequest, org: str, code: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, key=org)
    sub = get_object_or_404(
        Subscription, organisation=organisation, code=code, channel=Subscription.Channel.SMS
    )
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sub = subscriptions.confirm_sms_code(sub, form.cleaned_data["code"])
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            return render(
                request,
                "subscriptions/confirmed.html",
                {"organisation": organisation, "subscription": sub},
            )
    return render(
        request,
        "subscriptions/sms_code.html",
        {"organisation": organisation, "subscription": sub, "form": form},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, org: str, token: str) -> HttpResponse:
    """GET shows a button and POST confirms: mail scanners that open links must not
    confirm on someone's behalf."""
    organisation = get_object_or_404(Organisation, key=org)
    error = ""
    if request.method == "POST":
        try:
            sub = subscriptions.confirm_subscription(token)
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            return render(
                request,
                "subscriptions/confirmed.html",
                {"organisation": sub.organisation, "subscription": sub},
            )
    return render(
        request,
        "subscriptions/confirm.html",
        {"organisation": organisation, "error": error},
        status=400 if error else 200,
    )


@csrf_exempt  # RFC 8058 one-click: the mail provider POSTs without our cookie; the signed token is the authority.
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        sub = subscriptions.subscription_from_token(token, salt=subscriptions.UNSUBSCRIBE_SALT)
    except ValidationError as exc:
        return render(
            request, "subscriptions/unsubscribe.html", {"error": exc.messages[0]}, status=400
        )
    if request.method == "POST":
        sub = subscriptions.unsubscribe(token, ip=client_address(request))
        return render(request, "subscriptions/unsubscribed.html", {"subscription": sub})
    return render(request, "subscriptions/unsubscribe.html", {"subscription": sub})


# --- Coordinators -------------------------------------------------------------------------


def _coordinator_organisation(request: HttpRequest, org: str) -> Organisation:
    organisation = get_organisation_for_user(request.user, org)
    if not has_role(request.user, organisation, Role.COORDINATOR):
        raise PermissionDenied(_("Bara samordnare kan se och ändra det här."))
    return organisation


@login_required
@require_http_methods(["GET", "POST"])
def subscriber_list(request: HttpRequest, org: str) -> HttpResponse:
    organisation = _coordinator_organisation(request, org)
    form = RegisterForm(request.POST or None, organisation=organisation)
    secret = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = subscriptions.register_subscriber(
                organisation,
                by=request.user,
                channel=data["channel"],
                address=data["address"],
                triggers=data["triggers"],
                label=data["label"],
                **form.scope(),
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            if not result.webhook_secret:
                return redirect("subscriptions:subscribers", organisation.key)
            secret = result.webhook_secret
            form = RegisterForm(organisation=organisation)
    subs = (
        Subscription.objects.filter(organisation=organisation)
        .exclude(status=Subscription.Status.UNSUBSCRIBED)
        .select_related("system", "unit", "registered_by")
        .order_by("channel", "address")
    )
    # What each unit's subscription covers today: the same read the fan-out makes.
    unit_systems = systems_by_unit(organisation)
    for sub in subs:
        sub.covered_systems = unit_systems.get(sub.unit_id, []) if sub.unit_id else []
    return render(
        request,
        "subscriptions/subscriber_list.html",
        {"organisation": organisation, "form": form, "subscriptions": subs, "secret": secret},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def subscriber_remove(request: HttpRequest, org: str, code: str) -> HttpResponse:
    organisation = _coordinator_organisation(request, org)
    sub = get_object_or_404(Subscription, organisation=organisation, code=code)
    subscriptions.remove_subscriber(sub, by=request.user)
    return redirect("subscriptions:subscribers", organisation.key)


class PlannedForm(forms.Form):
    title = forms.CharField(label=_("Rubrik"), max_length=200)
    systems = params.ModelMultipleChoiceField(
        label=_("System"), queryset=System.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    outage_type = forms.ChoiceField(label=_("Typ"), choices=PlannedWindow.OutageType.choices)
    starts_at = forms.DateTimeField(
        label=_("Börjar"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    ends_at = forms.DateTimeField(
        label=_("Slutar"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    rrule = forms.CharField(
        label=_("Upprepning (RRULE)"),
        max_length=500,
        required=False,
        help_text=_("T.ex. FREQ=MONTHLY;BYDAY=+2WE för andra onsdagen varje månad."),
    )
    impact = forms.CharField(label=_("Påverkan"), widget=forms.Textarea(attrs={"rows": 3}))
    staff_instructions = forms.CharField(
        label=_("Gör så här"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    reason_for_short_notice = forms.CharField(
        label=_("Skäl till kort varsel"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["systems"].queryset = organisation.systems.all()

    def clean_starts_at(self) -> dt.datetime:
        return _as_stockholm(self.cleaned_data["starts_at"])

    def clean_ends_at(self) -> dt.datetime:
        return _as_stockholm(self.cleaned_data["ends_at"])


def _as_stockholm(value: dt.datetime) -> dt.datetime:
    # A datetime-local field is wall-clock time in Sweden whatever the server's zone.
    return value.replace(tzinfo=None).replace(tzinfo=clock.STOCKHOLM)


@login_required
@require_http_methods(["GET", "POST"])
def planned_list(request: HttpRequest, org: str) -> HttpResponse:
    organisation = _coordinator_organisation(request, org)
    form = PlannedForm(request.POST or None, organisation=organisation)
    short_notice = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            planned.schedule_planned_outage(
                organisation,
                by=request.user,
                systems=data["systems"],
                title=data["title"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                rrule=data["rrule"],
                impact=data["impact"],
                staff_instructions=data["staff_instructions"],
                outage_type=data["outage_type"],
                reason_for_short_notice=data["reason_for_short_notice"],
            )
        except ValidationError as exc:
            short_notice = "reason_for_short_notice" in getattr(exc, "error_dict", {})
            _apply_errors(form, exc)
        else:
            return redirect("subscriptions:planned", organisation.key)
    # After a post, the rules for the systems chosen (what the warning was about); before,
    # every rule of the organisation, each saying which systems it covers.
    chosen = getattr(form, "cleaned_data", {}).get("systems") or None
    now = clock.now()
    upcoming = (
        PlannedOccurrence.objects.filter(window__organisation=organisation)
        .upcoming(now)
        .select_related("window")[:50]
    )
    return render(
        request,
        "planned/planned_list.html",
        {
            "organisation": organisation,
            "form": form,
            "occurrences": upcoming,
            "rules": planned.notice_rules(organisation, chosen),
            "short_notice": short_notice,
            "non_field": form.errors.get(NON_FIELD_ERRORS),
        },
        status=400 if form.errors else 200,
    )
