"""Render an assessment as text, JSON-ready data, or one self-contained HTML page."""

from __future__ import annotations

from fractions import Fraction
from html import escape
from typing import TYPE_CHECKING, Any

import attrs
import pendulum

from .._display import show, show_seconds
from ..kpi import DurationStats, KpiName, KpiUnit, Mean, Net, Period, Rate
from ._svg import Series, line_chart, stacked_bars

if TYPE_CHECKING:
    from ..kpi import ReportRow
    from ..team import Finding
    from ._assessment import Assessment, ChannelShift, GoalReport, SlaLine

__all__ = ["printable", "render_html", "render_html_fragment", "render_json", "render_text"]

SCHEMA_VERSION = 1


def _num(value: Fraction | float | None) -> float | None:
    return None if value is None else round(float(value), 6)


def _show(result: object) -> str:
    if result is None:
        return "—"
    if isinstance(result, Rate):
        return f"{float(result.value):.1%} (n={result.denominator})"
    if isinstance(result, Net):
        return (
            f"{float(result.value):+.1f} (n={result.positive + result.neutral + result.negative})"
        )
    if isinstance(result, Mean):
        return f"{float(result.value):.3g} (n={result.n})"
    if isinstance(result, DurationStats):
        return f"median {_duration(result.median)} (n={result.count})"
    return str(result)


def _duration(value: Any) -> str:
    return show_seconds(value.total_seconds())


def _goal_value(value: Fraction | None, unit: str) -> str:
    return "—" if value is None else show(value, unit)


def _result_json(result: object) -> Any:
    if result is None:
        return None
    if isinstance(result, Rate):
        return {
            "kind": "rate",
            "value": _num(result.value),
            "numerator": result.numerator,
            "denominator": result.denominator,
            "low": result.interval.low,
            "high": result.interval.high,
        }
    if isinstance(result, Net):
        return {
            "kind": "net",
            "value": _num(result.value),
            "n": result.positive + result.neutral + result.negative,
            "low": result.interval.low,
            "high": result.interval.high,
        }
    if isinstance(result, Mean):
        return {
            "kind": "mean",
            "value": _num(result.value),
            "n": result.n,
            "low": result.interval.low,
            "high": result.interval.high,
        }
    if isinstance(result, DurationStats):
        return {
            "kind": "duration",
            "n": result.count,
            "mean_s": result.mean.total_seconds(),
            "median_s": result.median.total_seconds(),
            "p90_s": result.percentile("0.9").total_seconds(),
        }
    return {"kind": "other", "text": str(result)}


def render_json(a: Assessment) -> dict[str, Any]:
    """The assessment as JSON-ready data (schema version 1, see docs/reference/assessment-json.md)."""
    return {
        "schema_version": SCHEMA_VERSION,
        "model": {
            "name": a.model.name,
            "type": a.model.type.value,
            "timezone": a.model.timezone,
            "channels": sorted(c.value for c in a.model.channels),
        },
        "as_of": a.as_of.isoformat(),
        "period": a.period.value,
        "latest_period_partial": a.latest_period_partial,
        "interactions": a.interactions,
        "clock": a.clock,
        "definitions": [
            {
                "kpi": d.name.value,
                "variant": d.variant,
                "definition": d.definition,
                "clock": d.clock,
            }
            for d in a.definitions
        ],
        "kpis_by_channel": [
            {"channel": row.group[0] if row.group else None, **_row_json(row)}
            for row in a.kpis.rows
        ],
        "kpis_overall": [_row_json(row) for row in a.overall.rows],
        "sla": [_sla_json(line) for line in a.sla],
        "goals": [_goal_json(g) for g in a.goals],
        "channel_shift": [_shift_json(shift) for shift in a.channel_shift],
        "complaint_themes": [{"theme": t, "count": n} for t, n in a.complaint_themes],
        "complaints": a.complaints,
        "repeat_contact": _result_json(a.repeat_contact),
        "contacts_per_customer": _result_json(a.contacts_per_customer),
        "recognition": _recognition_json(a),
        "outreach": [
            {
                "rule": o.rule,
                "customer_id": o.customer_id,
                "due_at": o.due_at.isoformat(),
                "channel": o.channel.value,
                "reason": o.reason,
            }
            for o in a.outreach
        ],
        "findings": [_finding_json(rank, f) for rank, f in enumerate(a.findings, 1)],
    }


def _row_json(row: ReportRow) -> dict[str, Any]:
    """One report row: its period and each KPI's figures."""
    return {
        "period": row.period.isoformat() if row.period else None,
        "kpis": {cell.metric.value: _result_json(cell.result) for cell in row.cells},
    }


def _sla_json(s: SlaLine) -> dict[str, Any]:
    """One SLA line: its counts and, once a clock met or breached, its compliance."""
    return {
        "policy": s.policy,
        "priority": s.priority.value,
        "metric": s.metric.value,
        "met": s.met,
        "breached": s.breached,
        "pending": s.pending,
        "compliance": _result_json(s.rate) if s.met + s.breached else None,
    }


def _shift_json(s: ChannelShift) -> dict[str, Any]:
    """One channel's change in share between the last two periods."""
    return {
        "channel": s.channel,
        "previous": _num(s.previous.value),
        "latest": _num(s.latest.value),
        "change": _num(s.change.value),
        "low": s.change.interval.low,
        "high": s.change.interval.high,
        "significant": s.change.significant(),
    }


def _goal_json(g: GoalReport) -> dict[str, Any]:
    """One goal's report: the goal, its SMART check, its progress and observations."""
    return {
        "name": g.goal.name,
        "metric": None if g.goal.metric is None else g.goal.metric.value,
        "variant": g.goal.variant,
        "unit": g.goal.unit(),
        "scope": g.goal.scope.describe(),
        "baseline": _num(g.goal.baseline),
        "target": _num(g.goal.target),
        "start": g.goal.start.isoformat() if g.goal.start else None,
        "deadline": g.goal.deadline.isoformat() if g.goal.deadline else None,
        "smart": {
            c.letter: {"holds": c.holds, "reasons": list(c.reasons)} for c in g.smart.letters
        },
        "status": g.progress.status.value if g.progress else None,
        "explanation": g.progress.explanation if g.progress else None,
        "expected": _num(g.progress.expected) if g.progress else None,
        "latest": _num(g.progress.latest) if g.progress else None,
        "latest_at": g.progress.latest_at.isoformat() if g.progress else None,
        "trend_per_month": _num(g.progress.trend_per_month) if g.progress else None,
        "projected": _num(g.progress.projected) if g.progress else None,
        "observations": [{"at": o.at.isoformat(), "value": _num(o.value)} for o in g.observations],
        "note": g.note,
    }


def _recognition_json(a: Assessment) -> dict[str, Any] | None:
    """The recognition leaderboard, or None when the model recognises nobody."""
    if a.recognition is None:
        return None
    policy = a.model.recognition
    return {
        "month": a.recognition.month,
        "month_to_date": a.recognition_month_to_date,
        "minimum_samples": policy.minimum_samples if policy is not None else None,
        "standings": [
            {"agent": s.agent, "points": s.points, "samples": s.samples, "rank": s.rank}
            for s in a.recognition.standings
        ],
    }


def _finding_json(rank: int, f: Finding) -> dict[str, Any]:
    """One finding, ranked (1 is the most pressing)."""
    return {
        "rank": rank,
        "title": f.title,
        "metric": f.metric.value,
        "observed": _num(f.observed),
        "target": _num(f.target),
        "sample_size": f.sample_size,
        "scope": f.scope,
        "evidence": f.evidence,
        "rule": f.rule,
        "next_step": f.next_step,
    }


def _latest_rows(a: Assessment) -> list[Any]:
    rows = [r for r in a.kpis.rows if r.period is not None]
    if not rows:
        return []
    last = max(r.period for r in rows if r.period is not None)
    return [r for r in rows if r.period == last]


_LETTERS = {
    "S": "specific",
    "M": "measurable",
    "A": "attainable",
    "R": "relevant",
    "T": "time-bound",
}


def _findings_text(a: Assessment) -> list[str]:
    if not a.findings:
        return []
    lines = ["What needs attention most"]
    first_with: dict[str, int] = {}
    for i, f in enumerate(a.findings, 1):
        lines.append(f"  {i}. {f.title}")
        if f.evidence:
            lines.append(f"     {f.evidence}")
        if f.rule in first_with:
            lines.append(f"     why flagged: the same rule as finding {first_with[f.rule]} above.")
        elif f.rule:
            first_with[f.rule] = i
            lines.append(f"     why flagged: {f.rule}")
        if f.next_step:
            lines.append(f"     next: {f.next_step}")
    return [*lines, ""]


def _period_label(a: Assessment, period: Any) -> str:
    label = f"latest {a.period.value} ({period}"
    if a.latest_period_partial:
        label += f", partial: up to {a.as_of.format('YYYY-MM-DD HH:mm')}"
    return label + ")"


_NOTHING_MEASURED = "no figure yet: nothing here was answered, solved or rated by the as-of instant"


def _kpis_text(a: Assessment) -> list[str]:
    latest = _latest_rows(a)
    if not latest:
        return []
    lines = [f"KPIs by channel, {_period_label(a, latest[0].period)}"]
    zero_business = False
    for row in sorted(latest, key=lambda r: str(r.group)):
        channel = row.group[0] if row.group else "all"
        cells = []
        for c in row.cells:
            if c.missing():
                continue
            cells.append(f"{c.metric.value} {_show(c.result)}")
            if isinstance(c.result, DurationStats) and c.result.median.total_seconds() == 0:
                zero_business = True
        # A row holds contacts or answers, so no figure means none of them had a reply, a
        # solve or a rating to measure yet: "no data" read as if the contacts were missing.
        lines.append(f"  {channel:<13} {', '.join(cells) or _NOTHING_MEASURED}")
    lines.append(
        "  n = the interactions or answers a figure rests on; times are medians, in " + a.clock
    )
    if zero_business and a.clock != "calendar time":
        lines.append(
            "  a median of 0m 00s means at least half of those contacts were handled entirely "
            "while the calendar was closed"
        )
    lines.append("")
    lines.append("What the KPIs measure")
    for d in a.definitions:
        variant = f" ({d.variant})" if d.variant else ""
        lines.append(f"  {d.name.value}{variant}: {d.definition}")
    return [*lines, ""]


def _sla_text(a: Assessment) -> list[str]:
    if not a.sla:
        return []
    lines = [
        "SLA compliance: met / (met + breached); pending = clocks still running at the as-of "
        "instant, not yet met or breached"
    ]
    for line in a.sla:
        rate = f"{float(line.rate.value):6.1%}" if line.met + line.breached else "   n/a"
        lines.append(
            f"  {line.policy:<16} {line.priority.value:<7} {line.metric.value:<16} {rate}  "
            f"met {line.met}, breached {line.breached}, pending {line.pending}"
        )
    return [*lines, ""]


def _goals_text(a: Assessment) -> list[str]:
    if not a.goals:
        return []
    lines = [
        "Goals (SMART: specific, measurable, attainable, relevant, time-bound; each goal is "
        "judged on its KPI's value per period up to its deadline)"
    ]
    for g in a.goals:
        goal = g.goal
        unit = goal.unit()
        status = g.progress.status.value.replace("_", " ") if g.progress else "not measured"
        lines.append(f"  {goal.name}: {status}")
        kpi = goal.metric.value if goal.metric is not None else "no KPI"
        if goal.variant:
            kpi += f" ({goal.variant})"
        due = goal.deadline.format("YYYY-MM-DD") if goal.deadline else "no deadline"
        since = goal.start.format("YYYY-MM-DD") if goal.start else "no start"
        lines.append(
            f"     {kpi} for {goal.scope.describe()}: target {_goal_value(goal.target, unit)} "
            f"by {due}, from a baseline of {_goal_value(goal.baseline, unit)} on {since}"
        )
        if g.progress is not None:
            p = g.progress
            lines.append(
                f"     latest {_goal_value(p.latest, unit)}, expected on the line "
                f"{_goal_value(p.expected, unit)}, projected at the deadline "
                f"{_goal_value(p.projected, unit)}"
            )
            lines.append(f"     {p.explanation}")
        if g.smart.holds:
            lines.append("     SMART: all five letters hold")
        else:
            for check in g.smart.letters:
                for reason in check.reasons:
                    lines.append(
                        f"     not SMART, {check.letter} ({_LETTERS[check.letter]}): {reason}"
                    )
        if g.note:
            lines.append(f"     note: {g.note}")
    return [*lines, ""]


def _shift_text(a: Assessment) -> list[str]:
    if not a.channel_shift:
        return []
    lines = ["Channel preference, share of contacts in the previous -> latest period"]
    starred = False
    for s in a.channel_shift[:7]:
        mark = "  *" if s.change.significant() else ""
        starred = starred or bool(mark)
        lines.append(
            f"  {s.channel:<13} {float(s.previous.value):6.1%} -> {float(s.latest.value):6.1%}{mark}"
        )
    if starred:
        lines.append("  (* the change is significant at 95%)")
    else:
        lines.append("  (no change is significant at 95%)")
    return [*lines, ""]


def _contacts_text(a: Assessment) -> list[str]:
    lines = []
    if a.complaint_themes:
        lines.append(f"Top complaint themes (tags on {a.complaints} complaints)")
        lines.extend(f"  {theme:<24} {n}" for theme, n in a.complaint_themes[:5])
        lines.append("")
    if a.repeat_contact is not None:
        lines.append(
            f"Repeat contacts within 7 days: {float(a.repeat_contact.value):.1%} "
            f"of {a.repeat_contact.denominator}"
        )
    if a.contacts_per_customer is not None:
        lines.append(
            f"Contacts per customer in the latest {a.period.value}: "
            f"{float(a.contacts_per_customer.value):.2f} "
            f"over {a.contacts_per_customer.n} customers"
        )
    return lines


def _recognition_text(a: Assessment) -> list[str]:
    if a.recognition is None:
        return []
    board = a.recognition
    heading = f"Recognition, {board.month}"
    if a.recognition_month_to_date:
        heading += f" to {a.as_of.format('YYYY-MM-DD')} (last month has no data)"
    lines = ["", heading]
    if board.standings:
        for standing in board.standings[:5]:
            lines.append(
                f"  #{standing.rank} {standing.agent}: {standing.points} points over "
                f"{standing.samples} resolved"
            )
    else:
        minimum = a.model.recognition.minimum_samples if a.model.recognition else 0
        lines.append(
            f"  nobody reached the minimum of {minimum} resolved interactions "
            f"({len(board.below_minimum)} agents had fewer)"
        )
    return lines


def _outreach_text(a: Assessment) -> list[str]:
    if not a.outreach:
        return []
    lines = ["", f"Outreach due in the next 7 days: {len(a.outreach)}"]
    for o in a.outreach[:5]:
        lines.append(
            f"  {o.due_at.format('YYYY-MM-DD HH:mm')} {o.channel.value:<6} {o.customer_id} ({o.reason})"
        )
    return lines


def render_text(a: Assessment) -> str:
    """The assessment as plain text for a terminal."""
    lines = [
        f"Service model assessment: {a.model.name} ({a.model.type.value}), "
        f"as of {a.as_of.format('YYYY-MM-DD HH:mm')} {a.model.timezone}",
        f"{a.interactions:,} interaction{'' if a.interactions == 1 else 's'}; "
        f"periods: {a.period.value}; times are {a.clock}",
        "",
        *_findings_text(a),
        *_kpis_text(a),
        *_sla_text(a),
        *_goals_text(a),
        *_shift_text(a),
        *_contacts_text(a),
        *_recognition_text(a),
        *_outreach_text(a),
    ]
    return "\n".join(lines).rstrip() + "\n"


_CSS = """
.sm-report{font-family:system-ui,sans-serif;color:#222;line-height:1.4;max-width:980px;margin:0 auto}
.sm-report h1{font-size:1.5rem;margin:.5rem 0}
.sm-report h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ddd}
.sm-report .scroll{max-width:100%;overflow-x:auto}
.sm-report table{border-collapse:collapse;font-size:.85rem}
.sm-report td,.sm-report th{padding:.25rem .6rem;border-bottom:1px solid #eee;text-align:left;vertical-align:top}
.sm-report td.n,.sm-report th.n{text-align:right;font-variant-numeric:tabular-nums}
.sm-report .bad{color:#b00020}.sm-report .good{color:#1b5e20}
.sm-report .charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,440px),1fr));gap:0 1.5rem}
.sm-report figure{margin:1.2rem 0;min-width:0}
.sm-report figcaption{font-weight:600;font-size:.95rem;margin-bottom:.2rem}
.sm-report svg.chart{display:block;width:100%;height:auto}
.sm-report pre{white-space:pre-wrap;overflow-wrap:anywhere;font-size:.8rem;background:#f7f7f7;padding:.6rem}
.sm-report li{margin-bottom:.4rem;overflow-wrap:anywhere}
@media (max-width:560px){.sm-report svg.chart text{font-size:15px}.sm-report svg.chart text.legend{font-size:12px}}
"""
_PAGE_CSS = "body{margin:1rem}"


@attrs.frozen
class _Scale:
    """How a KPI's values are drawn: multiplied by ``factor``, in ``unit``, ticks with ``suffix``."""

    factor: float
    unit: str
    suffix: str = ""


def _scale_of(kind: object, largest: float) -> _Scale:
    # largest: the largest value to draw, in the KPI's own unit (seconds for durations).
    if kind is Rate:
        return _Scale(100.0, "per cent", "%")
    if kind is Net:
        return _Scale(1.0, "points (-100 to 100)")
    if kind is Mean:
        return _Scale(1.0, "mean score")
    if kind is DurationStats:
        if largest >= 48 * 3600:
            return _Scale(1 / 86_400, "days")
        if largest >= 3 * 3600:
            return _Scale(1 / 3600, "hours")
        return _Scale(1 / 60, "minutes")
    return _Scale(1.0, "value")


def _axis_label(period: pendulum.Date, all_periods: list[Any], kind: Period) -> str:
    one_year = len({p.year for p in all_periods}) <= 1
    if kind is Period.MONTH:
        return period.format("MMM") if one_year else period.format("MMM YYYY")
    return period.format("D MMM") if one_year else period.format("D MMM YYYY")


def _x_title(periods: list[Any], kind: Period) -> str:
    years = sorted({p.year for p in periods})
    what = {Period.DAY: "day", Period.WEEK: "week starting (Monday)", Period.MONTH: "month"}[kind]
    return f"{what}, {years[0]}" if len(years) == 1 else what


def _figure(title: str, svg: str) -> str:
    return f"<figure><figcaption>{escape(title)}</figcaption>{svg}</figure>"


def _name(metric: object) -> str:
    """A KPI's name as written in the report (``first_reply_time``)."""
    return str(getattr(metric, "value", metric))


_KIND_OF_UNIT = {
    KpiUnit.RATE: Rate,
    KpiUnit.NET: Net,
    KpiUnit.SCORE: Mean,
    KpiUnit.DURATION: DurationStats,
}


def _kind_of(a: Assessment, metric: Any) -> object:
    if isinstance(metric, KpiName) and metric.spec.unit in _KIND_OF_UNIT:
        return _KIND_OF_UNIT[metric.spec.unit]  # the KPI's own unit: per cent for a rate
    for report in (a.overall, a.kpis):
        for row in report.rows:
            for cell in row.cells:
                if cell.metric.value == _name(metric) and not cell.missing():
                    return type(cell.result)
    return DurationStats if _name(metric).endswith("_time") else None


def _trend_chart(a: Assessment, metric: KpiName) -> str | None:
    rows = sorted((r for r in a.overall.rows if r.period is not None), key=lambda r: r.period)  # type: ignore[arg-type,return-value]
    if not rows or metric not in a.overall.metrics:
        return None
    periods = [r.period for r in rows if r.period is not None]
    values: list[float | None] = []
    lows: list[float | None] = []
    highs: list[float | None] = []
    kind: object = None
    for row in rows:
        result = row.cell(metric).result
        if isinstance(result, Rate | Net | Mean):
            kind = type(result)
            values.append(float(result.value))
            lows.append(result.interval.low)
            highs.append(result.interval.high)
        elif isinstance(result, DurationStats):
            kind = DurationStats
            values.append(result.median.total_seconds())
            lows.append(None)
            highs.append(None)
        else:
            values.append(None)
            lows.append(None)
            highs.append(None)
    if all(v is None for v in values):
        return None
    scale = _scale_of(kind, max(v for v in values if v is not None))

    def scaled(items: list[float | None]) -> list[float | None]:
        return [None if v is None else v * scale.factor for v in items]

    banded = any(lo is not None for lo in lows)
    what = f"median {_name(metric)}" if kind is DurationStats else _name(metric)
    title = f"{what} by {a.period.value}" + (", with 95% interval" if banded else "")
    labels = [_axis_label(p, periods, a.period) for p in periods]
    svg = line_chart(
        title,
        labels,
        [
            Series(
                name=_name(metric), values=scaled(values), lower=scaled(lows), upper=scaled(highs)
            )
        ],
        y_unit=scale.unit,
        x_title=_x_title(periods, a.period),
        suffix=scale.suffix,
    )
    return _figure(title, svg)


def _mix_chart(a: Assessment) -> str | None:
    rows = sorted(
        (
            r
            for r in a.channel_mix.rows
            if r.period is not None and not r.cell("channel_mix").missing()
        ),
        key=lambda r: r.period,  # type: ignore[arg-type,return-value]
    )
    if not rows:
        return None
    periods = [r.period for r in rows if r.period is not None]
    labels = [_axis_label(p, periods, a.period) for p in periods]
    channels = sorted({label for r in rows for label, _ in r.cell("channel_mix").result.counts})  # type: ignore[union-attr]
    stacks = []
    for channel in channels:
        stacks.append(
            (
                channel,
                [float(dict(r.cell("channel_mix").result.counts).get(channel, 0)) for r in rows],  # type: ignore[union-attr]
            )
        )
    title = f"Channel mix by {a.period.value}"
    svg = stacked_bars(
        title, labels, stacks, y_unit="% of interactions", x_title=_x_title(periods, a.period)
    )
    return _figure(title, svg)


def _period_of(at: pendulum.DateTime, starts: list[pendulum.DateTime]) -> int | None:
    """The index of the last period start at or before *at* (the period it falls in)."""
    found = None
    for i, start in enumerate(starts):
        if start <= at:
            found = i
    return found


def _goal_chart(a: Assessment, goal_report: Any) -> str | None:
    goal = goal_report.goal
    if not goal_report.observations or goal.start is None or goal.deadline is None:
        return None
    try:
        points = sorted(goal_report.observations, key=lambda o: o.at)
        expected = [float(goal.expected_at(o.at)) for o in points]
    except Exception:
        return None
    periods = sorted({r.period for r in a.overall.rows if r.period is not None})
    tz = pendulum.timezone(a.model.timezone)
    starts = [pendulum.datetime(p.year, p.month, p.day, tz=tz) for p in periods]
    shown: list[Any] = []
    for o in points:
        index = _period_of(o.at, starts)
        shown.append(o.at.in_timezone(tz).date() if index is None else periods[index])
    kind = _kind_of(a, goal.metric)
    actual = [float(o.value) for o in points]
    scale = _scale_of(kind, max(map(abs, [*actual, *expected, float(goal.target)])))
    title = f"Goal: {goal.name} — observed vs expected path to the target"
    svg = line_chart(
        title,
        [_axis_label(p, shown, a.period) for p in shown],
        [
            Series(name="observed", values=[v * scale.factor for v in actual]),
            Series(name="expected", values=[v * scale.factor for v in expected], dashed=True),
        ],
        y_unit=f"{_name(goal.metric)}, {scale.unit}",
        x_title=_x_title(shown, a.period),
        suffix=scale.suffix,
    )
    return _figure(title, svg)


def _as_of_text(a: Assessment) -> str:
    local = a.as_of.in_timezone(a.model.timezone)
    return f"{local.format('dddd D MMMM YYYY, HH:mm')} ({a.model.timezone})"


def render_html_fragment(a: Assessment) -> str:
    """The report as one ``<div>`` with its own style: what a notebook shows inline."""
    data = render_json(a)
    parts = [
        f'<div class="sm-report"><style>{_CSS}</style>',
        f"<h1>{escape(a.model.name)} — {escape(a.model.type.value)} service model</h1>",
        f"<p>As of {escape(_as_of_text(a))}; {a.interactions:,} interactions; "
        f"periods: {escape(a.period.value)}.</p>",
    ]
    if a.findings:
        parts.append("<h2>What needs attention most</h2><ol>")
        for f in data["findings"]:
            why = f"<br><small>why flagged: {escape(f['rule'])}</small>" if f["rule"] else ""
            step = f"<br><small>next: {escape(f['next_step'])}</small>" if f["next_step"] else ""
            parts.append(
                f"<li><strong>{escape(f['title'])}</strong><br>{escape(f['evidence'])}{why}{step}</li>"
            )
        parts.append("</ol>")
    charts = [c for c in (_trend_chart(a, m) for m in a.overall.metrics) if c]
    mix = _mix_chart(a)
    if charts or mix:
        parts.append("<h2>Trends</h2><div class='charts'>")
        parts.extend([*charts, *([mix] if mix else [])])
        parts.append("</div>")
    if a.goals:
        parts.append(
            "<h2>Goals</h2><div class='scroll'><table><tr><th>goal</th><th>status</th>"
            "<th>SMART</th><th>note</th></tr>"
        )
        for g in a.goals:
            status = g.progress.status.value.replace("_", " ") if g.progress else "not measured"
            css = "good" if status in ("on track", "achieved") else "bad"
            smart = "yes" if g.smart.holds else "; ".join(g.smart.failures())
            parts.append(
                f"<tr><td>{escape(g.goal.name)}</td><td class='{css}'>{escape(status)}</td>"
                f"<td>{escape(smart)}</td><td>{escape(g.note)}</td></tr>"
            )
        parts.append("</table></div>")
        goal_charts = [c for c in (_goal_chart(a, g) for g in a.goals) if c]
        if goal_charts:
            parts.append("<div class='charts'>")
            parts.extend(goal_charts)
            parts.append("</div>")
    if a.sla:
        parts.append(
            "<h2>SLA compliance</h2><div class='scroll'><table><tr><th>policy</th>"
            "<th>priority</th><th>metric</th><th class='n'>compliance</th><th class='n'>met</th>"
            "<th class='n'>breached</th><th class='n'>pending</th></tr>"
        )
        for s in a.sla:
            rate = f"{float(s.rate.value):.1%}" if s.met + s.breached else "n/a"
            parts.append(
                f"<tr><td>{escape(s.policy)}</td><td>{escape(s.priority.value)}</td>"
                f"<td>{escape(s.metric.value)}</td><td class='n'>{rate}</td>"
                f"<td class='n'>{s.met}</td><td class='n'>{s.breached}</td>"
                f"<td class='n'>{s.pending}</td></tr>"
            )
        parts.append("</table></div>")
    text = render_text(a)
    parts.append("<h2>Full report</h2><pre>" + escape(text) + "</pre>")
    parts.append("</div>")
    return printable("\n".join(parts))


def render_html(a: Assessment) -> str:
    """One self-contained HTML page: the text sections as tables, and inline SVG charts.

    The page adapts to the screen (readable from a phone's 400 px to a desktop's
    1280 px) and holds no scripts; any text no UTF-8 encoder takes (a lone
    surrogate in an id or tag) is written as its ``\\udXXX`` escape.
    """
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            printable(f"<title>{escape(a.model.name)} — service model assessment</title>"),
            f"<style>{_PAGE_CSS}</style></head><body>",
            render_html_fragment(a),
            "</body></html>",
        ]
    )


def printable(text: str) -> str:
    """*text* with any lone surrogate (not writable as UTF-8) shown as its ``\\udXXX`` escape.

    >>> printable("C\\ud800")
    'C\\\\ud800'
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text
