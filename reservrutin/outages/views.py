from __future__ import annotations

from django.http import HttpResponse


def _todo(request, *args, **kwargs):  # type: ignore[no-untyped-def]
    return HttpResponse("todo")


report_form = report_result = outage_list = outage_detail = outage_change = task_done = _todo
timeline_csv = review = review_pdf = acknowledge = _todo
