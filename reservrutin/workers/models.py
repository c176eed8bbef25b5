"""Worker heartbeats: proof that the background loops are alive."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """The last sign of life of one worker process. A stale heartbeat means timers do not fire
    and messages are not sent, which is itself an outage of Reservrutin."""

    name = models.CharField(_("arbetare"), max_length=80)
    host = models.CharField(_("värd"), max_length=200)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    last_seen_at = models.DateTimeField(db_index=True)
    loops = models.CharField(_("slingor"), max_length=300, blank=True)
    iterations = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("arbetare")
        verbose_name_plural = _("arbetare")
        ordering = ["-last_seen_at"]
        constraints = [
            models.UniqueConstraint(fields=["name", "host", "pid"], name="heartbeat_unique_process")
        ]

    def __str__(self) -> str:
        return f"{self.name}@{self.host}:{self.pid}"
