"""Vendor timestamps parsed once each: a ticket's rows share few instants."""

from __future__ import annotations

import datetime as _dt
from typing import final

from ...exceptions import ValidationError
from .._ticket_log import Origin, located
from .._vendor import instant

__all__ = ["Instants"]


@final
class Instants:
    """The instants of the timestamps met so far (at most *limit*, then forgotten at once).

    *naive_is_utc*: a timestamp without a zone is UTC (the warehouse tables),
    or refused (the API). ``known`` is the table itself, for a reader's hot
    loop to look in before it calls :meth:`parse`.

    >>> instants = Instants(naive_is_utc=True, limit=1_024)
    >>> instants.parse("2025-06-02 11:00:00", ("ticket.csv", 2, "created_at"), "7")[1]
    '2025-06-02 11:00:00+00:00'
    """

    __slots__ = ("_limit", "_naive_is_utc", "known")

    def __init__(self, *, naive_is_utc: bool, limit: int) -> None:
        self.known: dict[str, tuple[_dt.datetime, str]] = {}
        self._naive_is_utc = naive_is_utc
        self._limit = limit

    def parse(self, text: str, origin: Origin, ticket: str) -> tuple[_dt.datetime, str]:
        """``(aware datetime, ISO text)`` of *text*, or a RecordError naming *origin*."""
        found = self.known.get(text)
        if found is None:
            try:
                found = instant(text, origin[2], naive_is_utc=self._naive_is_utc)
            except ValidationError as error:
                raise located(error, origin, ticket) from None
            if len(self.known) >= self._limit:
                self.known.clear()
            self.known[text] = found
        return found
