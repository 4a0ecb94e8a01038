"""Reconciling JSM's recorded SLA cycles with servicemodel's clocks under your policies."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping

import pendulum

from ..._time import aware
from ...exceptions import ValidationError
from ...interactions import Channel
from ...sla import PolicySet, Profile, Reconciliation, evaluate, reconcile
from ._read import read_issues
from ._recorded import read_recorded_sla

__all__ = ["MISSING_POLICIES", "reconcile_issues"]

#: What to say when no policy document was given: JSM cannot supply one.
MISSING_POLICIES = (
    "'policies' is required for Jira Service Management: JSM's REST API exposes no SLA "
    "goals, conditions or calendars (only each issue's recorded cycles), so write them as a "
    "servicemodel policy document (calendars, and one policy per goal in JSM's goal order) "
    "and pass it; see docs/how-to/jsm.md"
)


def reconcile_issues(
    source: object,
    *,
    policies: PolicySet | None,
    as_of: pendulum.DateTime | _dt.datetime,
    profile: Profile | None = None,
    metrics: Mapping[str, object] | None = None,
    statuses: Mapping[str, object] | None = None,
    priorities: Mapping[str, object] | None = None,
    channel: Channel | str = Channel.WEB_FORM,
) -> Reconciliation:
    """Import saved JSM issues, evaluate them under *policies* and reconcile with JSM's cycles.

    The issues are read by :func:`read_issues` and JSM's cycles by
    :func:`read_recorded_sla` from the same *source*; each interaction
    created by *as_of* is evaluated under ``profile.apply(policies)`` (by
    default :meth:`Profile.jsm`) and every recorded cycle is put beside the
    clock of the same issue, metric and start.

    Args:
        source: the saved issues (file or folder).
        policies: your SLA policies and calendars; JSM has no API for them,
            so there is no default.
        as_of: the export time (aware): ongoing cycles compare as of then.
        profile: the semantics to evaluate under (default ``Profile.jsm()``).
        metrics, statuses, priorities, channel: as for the readers.

    Raises:
        ValidationError: *policies* is missing (the message says what to
            supply) or not a :class:`~servicemodel.sla.PolicySet`.
        RecordError: a bad issue or SLA field.

    >>> import pendulum
    >>> reconcile_issues("issues.json", policies=None, as_of=pendulum.datetime(2024, 7, 1))
    Traceback (most recent call last):
    ...
    servicemodel.exceptions.ValidationError: 'policies' is required for Jira Service Management: JSM's REST API exposes no SLA goals, conditions or calendars (only each issue's recorded cycles), so write them as a servicemodel policy document (calendars, and one policy per goal in JSM's goal order) and pass it; see docs/how-to/jsm.md
    """
    if policies is None:
        raise ValidationError(MISSING_POLICIES, field="policies", value=None)
    if not isinstance(policies, PolicySet):
        raise ValidationError(
            f"'policies' must be a PolicySet, e.g. from load_policies (got {policies!r})",
            field="policies",
            value=policies,
        )
    when = aware(as_of, field="as_of")
    chosen = Profile.jsm() if profile is None else profile
    applied = chosen.apply(policies)
    results = [
        evaluate(interaction, applied, as_of=when)
        for interaction in read_issues(
            source, statuses=statuses, priorities=priorities, channel=channel
        )
        if interaction.created_at <= when
    ]
    recorded = list(read_recorded_sla(source, metrics=metrics))
    return reconcile(results, recorded, profile=chosen)
