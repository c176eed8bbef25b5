"""Worker steps of the status page: keep the static mirror current."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db.models import F

from reservrutin.statuspage.mirror import export_organisation
from reservrutin.statuspage.models import PageVersion


def mirror_one() -> bool:
    """Rewrite the mirror of one organisation whose page changed since it was last written.

    Writing is idempotent and atomic per file, so two workers racing here at worst write the
    same files twice; the compare-and-set on ``mirrored_version`` only records progress.
    """
    if not settings.STATIC_MIRROR_DIR:
        return False
    row = (
        PageVersion.objects.filter(version__gt=F("mirrored_version"))
        .select_related("organisation")
        .order_by("changed_at")
        .first()
    )
    if row is None:
        return False
    export_organisation(Path(settings.STATIC_MIRROR_DIR), row.organisation)
    PageVersion.objects.filter(pk=row.pk, mirrored_version=row.mirrored_version).update(
        mirrored_version=row.version
    )
    return True
