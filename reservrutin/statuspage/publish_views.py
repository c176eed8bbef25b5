"""Publishing driftinfo (signed-in publishers): list, write, preview, publish, edit, end."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from reservrutin.accounts.access import get_organisation_for_user
from reservrutin.lib import params
from reservrutin.lib.identity import redact, redactions
from reservrutin.outages.models import Outage
from reservrutin.statuspage import actions, queries
from reservrutin.statuspage.forms import FinalUpdateForm, NoticeEditForm, NoticeForm
from reservrutin.statuspage.models import Notice


def _notice(request: HttpRequest, org: str, code: str) -> Notice:
    """A notice of an organisation the user can see; drafts only for those who may publish
    them or coordinate the outage."""
    organisation = get_organisation_for_user(request.user, org)
    notice = (
        Notice.objects.filter(organisation=organisation, code=code)
        .prefetch_related("systems")
        .select_related("outage")
        .first()
    )
    if notice is None:
        raise Http404
    if notice.status == Notice.Status.DRAFT and not actions.can_see_draft(request.user, notice):
        raise Http404
    return notice


def _masked(*texts: str) -> list[tuple[str, str]]:
    """What the redactor will mask in ``texts`` when they leave the organisation."""
    return [pair for text in texts for pair in redactions(text or "")]


def _masking_key(masked: list[tuple[str, str]]) -> str:
    """Names what the publisher was warned about: a changed text needs a new warning."""
    return hashlib.sha256("\n".join(typed for typed, _shown in masked).encode()).hexdigest()[:16]


def _masking_confirmed(request: HttpRequest, masked: list[tuple[str, str]]) -> bool:
    return not masked or request.POST.get("confirm_masking") == _masking_key(masked)


def _apply_errors(form: NoticeForm | NoticeEditForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
def notice_list(request: HttpRequest, org: str) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, org)
    notices = (
        Notice.objects.filter(organisation=organisation)
        .exclude(status=Notice.Status.DRAFT)
        .prefetch_related("systems")[:50]
    )
    drafts = [
        n
        for n in Notice.objects.filter(organisation=organisation, status=Notice.Status.DRAFT)
        if actions.can_see_draft(request.user, n)
    ]
    return render(
        request,
        "statuspage/notice_list.html",
        {
            "organisation": organisation,
            "notices": notices,
            "drafts": drafts,
            "may_publish": actions.can_publish(request.user, organisation, []),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def notice_new(request: HttpRequest, org: str) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, org)
    outage = None
    code = params.optional_uuid(request.GET, "outage")
    if code is not None:
        outage = Outage.objects.filter(organisation=organisation, code=code).first()
    initial = {}
    templates = queries.notice_templates(outage)
    if outage is not None:
        initial = {"title": outage.title, "systems": list(outage.systems.all())}
        chosen = templates.get(request.GET.get("mall", ""))
        if chosen is not None:
            initial.update(title=chosen.title or outage.title, body=chosen.text, severity="outage")
    form = NoticeForm(request.POST or None, organisation=organisation, initial=initial)
    preview = None
    masked: list[tuple[str, str]] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        masked = _masked(data["title"], data["body"], data["backup_routine"])
        publishing = "publish" in request.POST
        if "preview" in request.POST or (publishing and not _masking_confirmed(request, masked)):
            # The preview shows what will be published: identity numbers masked.
            preview = {
                **data,
                "title": redact(data["title"]),
                "body": redact(data["body"]),
                "backup_routine": redact(data["backup_routine"]),
            }
        else:
            try:
                notice = actions.create_notice(
                    organisation,
                    by=request.user,
                    title=data["title"],
                    body=data["body"],
                    severity=data["severity"],
                    systems=list(data["systems"]),
                    backup_routine=data["backup_routine"],
                    outage=outage,
                    publish="publish" in request.POST,
                )
            except PermissionDenied:
                raise
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Driftinformationen är publicerad.")
                    if notice.status == Notice.Status.PUBLISHED
                    else _("Utkastet är sparat."),
                )
                return redirect("statuspage:notice", organisation.key, notice.code)
    return render(
        request,
        "statuspage/notice_form.html",
        {
            "organisation": organisation,
            "form": form,
            "preview": preview,
            "outage": outage,
            "templates": templates,
            "masked": masked,
            "masking_key": _masking_key(masked) if masked else "",
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def notice_detail(request: HttpRequest, org: str, code: str) -> HttpResponse:
    notice = _notice(request, org, code)
    may_publish = actions.can_publish(request.user, notice.organisation, notice.systems.all())
    form = NoticeEditForm(
        request.POST or None,
        initial={"title": notice.title, "body": notice.body, "severity": notice.severity},
    )
    masked = _masked(notice.title, notice.body, notice.backup_routine)
    if request.method == "POST":
        if not may_publish:
            raise PermissionDenied
        if form.is_valid():
            masked = _masked(form.cleaned_data["title"], form.cleaned_data["body"])
        if form.is_valid() and _masking_confirmed(request, masked):
            try:
                actions.update_notice(notice, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Driftinformationen är ändrad."))
                return redirect("statuspage:notice", notice.organisation.key, notice.code)
    return _detail(request, notice, form=form, may_publish=may_publish, masked=masked)


def _detail(
    request: HttpRequest,
    notice: Notice,
    *,
    form: NoticeEditForm | None = None,
    final_form: FinalUpdateForm | None = None,
    may_publish: bool | None = None,
    masked: list[tuple[str, str]] | None = None,
) -> HttpResponse:
    form = form or NoticeEditForm(
        initial={"title": notice.title, "body": notice.body, "severity": notice.severity}
    )
    final_form = final_form or FinalUpdateForm(initial={"final_update": notice.final_update})
    if may_publish is None:
        may_publish = actions.can_publish(request.user, notice.organisation, notice.systems.all())
    if masked is None:
        masked = _masked(notice.title, notice.body, notice.backup_routine)
    return render(
        request,
        "statuspage/notice_detail.html",
        {
            "organisation": notice.organisation,
            "notice": notice,
            "form": form,
            "final_form": final_form,
            "may_publish": may_publish,
            "revisions": notice.revisions.all(),
            "broadcast": queries.broadcast_text(notice),
            "masked": masked,
            "masking_key": _masking_key(masked) if masked else "",
        },
        status=400 if form.errors or final_form.errors else 200,
    )


def _act(
    request: HttpRequest, notice: Notice, change: Callable[[], object], done: str
) -> HttpResponse:
    """Run ``change`` (an action); its refusal or ``done`` as a message on the notice page."""
    try:
        change()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect("statuspage:notice", notice.organisation.key, notice.code)


@login_required
@require_POST
def notice_publish(request: HttpRequest, org: str, code: str) -> HttpResponse:
    notice = _notice(request, org, code)
    return _act(
        request,
        notice,
        lambda: actions.publish_notice(notice, by=request.user),
        _("Driftinformationen är publicerad."),
    )


@login_required
@require_POST
def notice_end(request: HttpRequest, org: str, code: str) -> HttpResponse:
    notice = _notice(request, org, code)
    return _act(
        request,
        notice,
        lambda: actions.end_notice(notice, by=request.user),
        _("Driftinformationen är avslutad och flyttad till historiken."),
    )


@login_required
@require_POST
def notice_final_update(request: HttpRequest, org: str, code: str) -> HttpResponse:
    """Write the final update before the outage is resolved, or edit it after. A refused
    text is shown again in the form, with the reason."""
    notice = _notice(request, org, code)
    form = FinalUpdateForm(request.POST)
    if form.is_valid():
        try:
            actions.set_final_update(
                notice, by=request.user, text=form.cleaned_data["final_update"]
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Slutbeskedet är sparat."))
            return redirect("statuspage:notice", notice.organisation.key, notice.code)
    return _detail(request, notice, final_form=form)


@login_required
@require_POST
def notice_keep(request: HttpRequest, org: str, code: str) -> HttpResponse:
    """Keep the notice after its outage is resolved (``keep=0``: stop keeping it)."""
    notice = _notice(request, org, code)
    keep = request.POST.get("keep", "1") != "0"
    return _act(
        request,
        notice,
        lambda: actions.keep_notice(notice, by=request.user, keep=keep),
        _("Driftinformationen behålls när störningen är åtgärdad.")
        if keep
        else _("Driftinformationen avslutas när störningen är åtgärdad."),
    )
