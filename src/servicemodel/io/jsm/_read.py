"""Reading saved JSM issues as interactions: the public entry point and its checks."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from ..._validators import enum_member
from ...exceptions import RecordError
from ...interactions import Channel, Interaction, Priority, Status
from .._readers import check_on_error
from .._report import ErrorReport
from .._vendor import check_instance
from ._issues import IssueReader, lowered
from ._source import saved_issues
from ._vocab import PRIORITIES, STATUSES

__all__ = ["read_issues"]


def _statuses(extra: Mapping[str, object] | None) -> dict[str, Status]:
    table: dict[str, Status] = dict(STATUSES)
    for name, value in lowered(extra, "statuses").items():
        table[name] = enum_member(Status, value, field=f"statuses[{name!r}]")
    return table


def _priorities(extra: Mapping[str, object] | None) -> dict[str, str]:
    table = dict(PRIORITIES)
    for name, value in lowered(extra, "priorities").items():
        table[name] = enum_member(Priority, value, field=f"priorities[{name!r}]").value
    return table


def read_issues(
    source: object,
    *,
    instance: str | None = None,
    statuses: Mapping[str, object] | None = None,
    priorities: Mapping[str, object] | None = None,
    channel: Channel | str = Channel.WEB_FORM,
    on_error: ErrorReport | None = None,
) -> Iterator[Interaction]:
    """Stream the interactions of Jira Service Management issues saved from the REST API.

    *source* is a JSON file (a search page, a list of issues or one issue),
    a JSON Lines file (one issue or page per line), or a folder of them.
    Issues must have been fetched with ``expand=changelog`` (and the
    ``comment`` field) for their history; a changelog capped by search
    (``changelog.total`` above the histories it holds) is refused, not
    trusted. See ``docs/reference/jsm.md`` for every field's mapping.

    Args:
        source: the file or folder.
        instance: a label for the JSM site; when given, every id (issue,
            customer, author, agent) is prefixed with ``<instance>:`` and
            each interaction carries the attribute ``instance``.
        statuses: your workflows' status names -> servicemodel statuses
            (``{"Awaiting parts": "on_hold"}``), over the default table.
        priorities: your priority names -> servicemodel priorities.
        channel: the channel of an issue without the ``request.channel.type``
            property (JSM's issue JSON carries the channel only there).
        on_error: ``None`` stops at the first bad issue with a
            :class:`~servicemodel.exceptions.RecordError`; an
            :class:`~servicemodel.io.ErrorReport` collects bad issues and goes on
            (a file that is not complete JSON always stops).

    Raises:
        RecordError: a bad issue; names the file (``.file``), the issue
            (``.record``) and the field (``.field``, a JSON path such as
            ``changelog.histories[2].items[0].toString``).
        ValidationError: *source* holds no saved issues, or an option is wrong.

    >>> import json, pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "issues.json"
    >>> _ = path.write_text(json.dumps({"issues": [{"key": "HELP-1", "fields": {
    ...     "created": "2024-06-10T09:00:00.000+0100",
    ...     "reporter": {"accountId": "qm:1", "accountType": "customer"},
    ...     "status": {"name": "Resolved", "statusCategory": {"key": "done"}},
    ...     "priority": {"name": "High"},
    ...     "comment": {"comments": [{"created": "2024-06-10T09:40:00.000+0100",
    ...         "author": {"accountId": "5b1", "accountType": "atlassian"}, "jsdPublic": True}]}},
    ...     "changelog": {"total": 1, "histories": [{"created": "2024-06-10T10:00:00.000+0100",
    ...         "items": [{"field": "status", "fromString": "Waiting for support",
    ...                    "toString": "Resolved"}]}]}}]}))
    >>> [ticket] = read_issues(path)
    >>> ticket.priority.value, ticket.first_reply_at().isoformat(), ticket.status().value
    ('high', '2024-06-10T09:40:00+01:00', 'solved')
    """
    check_instance(instance)
    check_on_error(on_error)
    reader = IssueReader(
        instance=instance,
        statuses=_statuses(statuses),
        priorities=_priorities(priorities),
        channel=enum_member(Channel, channel, field="channel"),
    )
    files = saved_issues(source)

    def generate() -> Iterator[Interaction]:
        for saved in files:
            try:
                yield reader.interaction(saved)
            except RecordError as error:
                if on_error is None:
                    raise
                on_error.add(error)

    return generate()
