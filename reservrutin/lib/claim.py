"""The claim protocol, written once: how a worker takes due rows so that any number of
workers may run (code-habits "Claim protocol", docs/operations.md "Workers").

Generic over a model: each worker names its queryset of due rows and the fields that say
"done" (``fired_at``, ``sent_at`` …); the claim fields default to ``claim_token``,
``claimed_until`` and ``attempts``. Nothing here knows an app.

1. **Find** due rows in a fixed order (``due_at, id`` by default, so ties go by id):
   :meth:`Claims.lock` makes the queryset ``SELECT … FOR UPDATE SKIP LOCKED`` on
   PostgreSQL, so concurrent workers spread over different rows instead of waiting. Only an
   optimisation: SQLite has no row locks.
2. **Claim** with a compare-and-set, a conditional UPDATE on (id, the token we read, lease
   free or run out, still due): :meth:`Claims.take` (a lease for work done outside the
   transaction, such as sending) or :meth:`Claims.finish` (claim and mark done in the
   same transaction, for work without external I/O). The number of rows the UPDATE
   changed is the guarantee on every database.
3. **Renew** the lease of rows still carrying our token: :meth:`Claims.renew`.
4. **Release / record**: an UPDATE keyed on (id, our token) that clears the claim and
   writes the result: :meth:`Claims.release`; :meth:`Claims.held` locks the rows that still
   carry our token before a bulk record.

Rows without a lease (a reminder marked ``reminded_at``) use :func:`compare_and_set`.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Model, Q, QuerySet

#: (id, the claim token read with it) of a row found due.
Seen = tuple[Any, uuid.UUID | None]

DUE_ORDER = ("due_at", "id")


def lock(
    queryset: QuerySet[Any], *, order: Sequence[str] = DUE_ORDER, of: Sequence[str] = ()
) -> QuerySet[Any]:
    """Step 1's queryset: ordered by ``order`` and, on PostgreSQL, locking each row (and the
    related rows named in ``of``, with ``"self"``) while skipping rows another transaction
    holds. Evaluate it inside a transaction."""
    ordered = queryset.order_by(*order)
    if not connection.features.has_select_for_update_skip_locked:
        return ordered
    if not connection.features.has_select_for_update_of:
        of = ()
    return ordered.select_for_update(skip_locked=True, of=tuple(of))


def compare_and_set(queryset: QuerySet[Any], **update: Any) -> bool:
    """Update the one row ``queryset`` selects (by id and the values it was read with);
    True only if exactly that row changed, i.e. nobody changed it since we read it."""
    return queryset.update(**update) == 1


@dataclass(frozen=True)
class Claims:
    """The claim protocol over the rows of ``model``."""

    model: type[Model]
    token_field: str = "claim_token"  # noqa: S105 (a field name)
    until_field: str = "claimed_until"
    #: Counted up by each claim; None for a model without such a field.
    attempts_field: str | None = "attempts"

    def free(self, now: dt.datetime) -> Q:
        """No live lease: never claimed, or the claim ran out (its worker died)."""
        until = self.until_field
        return Q(**{f"{until}__isnull": True}) | Q(**{f"{until}__lte": now})

    def _counted(self) -> dict[str, Any]:
        return {self.attempts_field: F(self.attempts_field) + 1} if self.attempts_field else {}

    def _cleared(self) -> dict[str, Any]:
        return {self.token_field: None, self.until_field: None}

    def find(
        self, queryset: QuerySet[Any], *, order: Sequence[str] = DUE_ORDER, limit: int = 1
    ) -> list[Seen]:
        """Step 1 in a short transaction of its own: (id, token) of up to ``limit`` due rows."""
        with transaction.atomic():
            return list(lock(queryset, order=order).values_list("id", self.token_field)[:limit])

    def take(
        self,
        seen: Iterable[Seen],
        *,
        now: dt.datetime,
        until: dt.datetime,
        still: Q | None = None,
        **update: Any,
    ) -> uuid.UUID | None:
        """Step 2 with a lease: compare-and-set on every row of ``seen`` at once. Returns our
        new token if we won at least one row (the rows now carrying it), None if others won
        them all. A row is taken only if it still carries the token we read, has no live
        lease and still matches ``still``; it gets the token, the lease end ``until``,
        ``attempts + 1`` and ``update``."""
        seen = list(seen)
        if not seen:
            return None
        token_field = self.token_field
        free = [row_id for row_id, token in seen if token is None]
        same = [Q(id=row_id, **{token_field: token}) for row_id, token in seen if token]
        if free:
            same.append(Q(id__in=free, **{f"{token_field}__isnull": True}))
        token = uuid.uuid4()
        taken = self.model._default_manager.filter(
            functools.reduce(operator.or_, same), self.free(now), still or Q()
        ).update(**{token_field: token, self.until_field: until}, **self._counted(), **update)
        return token if taken else None

    def finish(
        self, seen: Seen, *, now: dt.datetime, still: Q | None = None, **update: Any
    ) -> bool:
        """Step 2 and 4 in one: claim the row and mark it done (``update``) with one
        conditional UPDATE, in the caller's transaction, for work that does no external
        I/O. True if we won; a worker killed before the commit leaves the row due at once."""
        row_id, token = seen
        return compare_and_set(
            self.model._default_manager.filter(
                self.free(now), still or Q(), id=row_id, **{self.token_field: token}
            ),
            **self._cleared(),
            **self._counted(),
            **update,
        )

    def held(self, ids: Iterable[Any], token: uuid.UUID) -> set[Any]:
        """The ids among ``ids`` that still carry ``token``, locked until the transaction
        ends so nobody takes them between this read and our UPDATE (in id order, so two
        transactions never wait on each other crosswise)."""
        return set(
            self.model._default_manager.select_for_update()
            .filter(id__in=list(ids), **{self.token_field: token})
            .order_by("id")
            .values_list("id", flat=True)
        )

    def renew(
        self, ids: Iterable[Any], token: uuid.UUID, *, until: dt.datetime, **update: Any
    ) -> set[Any]:
        """Step 3: extend the lease of the rows among ``ids`` still carrying ``token``, and
        return them. Keyed on the token only: while it is unchanged nobody else claimed the
        row (a claim replaces the token), so even a lease that just ran out is ours."""
        with transaction.atomic():
            mine = self.held(ids, token)
            self.model._default_manager.filter(id__in=mine, **{self.token_field: token}).update(
                **{self.until_field: until}, **update
            )
        return mine

    def release(
        self,
        seen: Seen,
        *,
        still: Q | None = None,
        count: bool = False,
        **update: Any,
    ) -> bool:
        """Step 4 for one row: clear the claim and write ``update`` (the result, or a later
        ``due_at`` after a failure), keyed on (id, token): False if someone else holds the
        row now. ``count`` adds an attempt (a failure whose claim was rolled back)."""
        row_id, token = seen
        counted = self._counted() if count else {}
        return compare_and_set(
            self.model._default_manager.filter(
                still or Q(), id=row_id, **{self.token_field: token}
            ),
            **self._cleared(),
            **counted,
            **update,
        )
