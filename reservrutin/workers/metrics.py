"""``/metrics``: Prometheus exposition of what the database knows, read at scrape time.

The outbox, deliveries, timers, escalations, heartbeats and login failures are rows, so a
collector counts them when Prometheus asks: the numbers are right whichever process (web
or worker, on whichever host) did the work, and nothing is lost when a process restarts.
Counters only a process can know (status page renders, fast-path answers) come from
``lib/metrics.py``, summed over processes in prometheus-client's multiprocess mode.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator

from django.apps import apps
from django.db.models import Count, DurationField, ExpressionWrapper, F, Min, Q, Sum
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import REGISTRY, Collector

from reservrutin.lib import clock
from reservrutin.notifications.models import DeliveryAttempt, OutboxMessage
from reservrutin.outages.models import Escalation, Timer
from reservrutin.workers.health import heartbeat_ages

#: Upper bounds (seconds) of the timer lateness histogram: a timer fires within a worker
#: iteration or two; minutes mean the workers were down.
LATENESS_BUCKETS = (1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0)


class DatabaseCollector(Collector):
    """Gauges and counters computed from the tables on each scrape (a handful of queries)."""

    def collect(self) -> Iterator[Metric]:
        now = clock.now()
        yield from self._outbox(now)
        yield self._deliveries()
        yield from self._timers()
        yield from self._escalations()
        yield self._heartbeats(now)
        yield from self._logins()

    def _outbox(self, now) -> Iterator[Metric]:
        depth = GaugeMetricFamily(
            "reservrutin_outbox_depth", "Messages waiting to be delivered.", labels=["transport"]
        )
        oldest = GaugeMetricFamily(
            "reservrutin_outbox_oldest_age_seconds",
            "Age of the oldest message waiting to be delivered.",
            labels=["transport"],
        )
        found = {
            row["kind"]: row
            for row in OutboxMessage.objects.waiting()
            .values("kind")
            .annotate(n=Count("id"), oldest=Min("created_at"))
        }
        for kind in OutboxMessage.Kind.values:
            row = found.get(kind)
            depth.add_metric([kind], row["n"] if row else 0)
            age = (now - row["oldest"]).total_seconds() if row else 0.0
            oldest.add_metric([kind], max(age, 0.0))
        yield depth
        yield oldest

    def _deliveries(self) -> Metric:
        family = CounterMetricFamily(
            "reservrutin_deliveries",
            "Delivery attempts by transport and result.",
            labels=["transport", "result"],
        )
        rows = (
            DeliveryAttempt.objects.exclude(outcome="")
            .values("message__kind", "outcome")
            .annotate(n=Count("id"))
            .order_by("message__kind", "outcome")
        )
        for row in rows:
            family.add_metric([row["message__kind"], row["outcome"]], row["n"])
        return family

    def _timers(self) -> Iterator[Metric]:
        late = ExpressionWrapper(F("fired_at") - F("due_at"), output_field=DurationField())
        fired = Timer.objects.filter(fired_at__isnull=False).annotate(late=late)

        counts = fired.aggregate(
            total=Count("id"),
            late_sum=Sum("late"),
            **{
                f"le_{i}": Count("id", filter=Q(late__lte=dt.timedelta(seconds=bound)))
                for i, bound in enumerate(LATENESS_BUCKETS)
            },
        )
        total = counts["total"]
        buckets = [(str(b), counts[f"le_{i}"]) for i, b in enumerate(LATENESS_BUCKETS)]
        buckets.append(("+Inf", total))
        late_sum = counts["late_sum"]
        yield HistogramMetricFamily(
            "reservrutin_timer_lateness_seconds",
            "How long after its due time each fired timer fired.",
            buckets=buckets,
            sum_value=late_sum.total_seconds() if late_sum else 0.0,
        )
        skipped = CounterMetricFamily(
            "reservrutin_timers_skipped", "Timers that did not fire (outage over, prognosis)."
        )
        skipped.add_metric([], Timer.objects.filter(skipped_at__isnull=False).count())
        yield skipped

    def _escalations(self) -> Iterator[Metric]:
        counts = Escalation.objects.aggregate(
            sent=Count("id"), acknowledged=Count("id", filter=Q(acknowledged_at__isnull=False))
        )
        sent = CounterMetricFamily(
            "reservrutin_escalations_sent", "People and contact points notified with escalation."
        )
        sent.add_metric([], counts["sent"])
        yield sent
        acked = CounterMetricFamily(
            "reservrutin_escalations_acknowledged", "Escalations someone acknowledged."
        )
        acked.add_metric([], counts["acknowledged"])
        yield acked

    def _heartbeats(self, now) -> Metric:
        family = GaugeMetricFamily(
            "reservrutin_worker_heartbeat_age_seconds",
            "Seconds since a worker running the loop last wrote its heartbeat (-1: never).",
            labels=["loop"],
        )
        for loop, age in sorted(heartbeat_ages(now).items()):
            family.add_metric([loop], -1.0 if age is None else max(age, 0.0))
        return family

    def _logins(self) -> Iterator[Metric]:
        if not apps.is_installed("axes"):
            return
        from axes.models import AccessAttempt, AccessFailureLog

        failures = CounterMetricFamily(
            "reservrutin_login_failures", "Failed sign-ins recorded by the lockout (django-axes)."
        )
        logged = AccessFailureLog.objects.count()
        if not logged:
            logged = sum(AccessAttempt.objects.values_list("failures_since_start", flat=True))
        failures.add_metric([], logged)
        yield failures
        lockouts = CounterMetricFamily(
            "reservrutin_login_lockouts", "Sign-in attempts refused because of a lockout."
        )
        lockouts.add_metric([], AccessFailureLog.objects.filter(locked_out=True).count())
        yield lockouts


def exposition() -> bytes:
    """The text exposition format: process counters (summed over processes in multiprocess
    mode) and the database's numbers."""
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        # One process (development, tests): its own counters from the default registry.
        registry.register(_DefaultCounters())
    registry.register(DatabaseCollector())
    return generate_latest(registry)


class _DefaultCounters(Collector):
    def collect(self) -> Iterator[Metric]:
        for metric in REGISTRY.collect():
            if metric.name.startswith("reservrutin_"):
                yield metric
