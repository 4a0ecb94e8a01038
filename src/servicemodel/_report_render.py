"""Render an assessment as text, JSON-ready data, or one self-contained HTML page."""

from __future__ import annotations

from fractions import Fraction
from html import escape
from typing import TYPE_CHECKING, Any

from ._display import show, show_seconds
from ._svg import Series, line_chart, stacked_bars
from .kpi import DurationStats, Mean, Net, Rate

if TYPE_CHECKING:
    from ._assessment import Assessment

__all__ = ["render_html", "render_json", "render_text"]

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
    kpi_rows = [
        {
            "channel": row.group[0] if row.group else None,
            "period": row.period.isoformat() if row.period else None,
            "kpis": {cell.metric: _result_json(cell.result) for cell in row.cells},
        }
        for row in a.kpis.rows
    ]
    overall_rows = [
        {
            "period": row.period.isoformat() if row.period else None,
            "kpis": {cell.metric: _result_json(cell.result) for cell in row.cells},
        }
        for row in a.overall.rows
    ]
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
            {"kpi": d.name, "variant": d.variant, "definition": d.definition, "clock": d.clock}
            for d in a.definitions
        ],
        "kpis_by_channel": kpi_rows,
        "kpis_overall": overall_rows,
        "sla": [
            {
                "policy": s.policy,
                "priority": s.priority.value,
                "metric": s.metric.value,
                "met": s.met,
                "breached": s.breached,
                "pending": s.pending,
                "compliance": _result_json(s.rate) if s.met + s.breached else None,
            }
            for s in a.sla
        ],
        "goals": [
            {
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
                    c.letter: {"holds": c.holds, "reasons": list(c.reasons)}
                    for c in g.smart.letters
                },
                "status": g.progress.status.value if g.progress else None,
                "explanation": g.progress.explanation if g.progress else None,
                "expected": _num(g.progress.expected) if g.progress else None,
                "latest": _num(g.progress.latest) if g.progress else None,
                "latest_at": g.progress.latest_at.isoformat() if g.progress else None,
                "trend_per_month": _num(g.progress.trend_per_month) if g.progress else None,
                "projected": _num(g.progress.projected) if g.progress else None,
                "observations": [
                    {"at": o.at.isoformat(), "value": _num(o.value)} for o in g.observations
                ],
                "note": g.note,
            }
            for g in a.goals
        ],
        "channel_shift": [
            {
                "channel": s.channel,
                "previous": _num(s.previous.value),
                "latest": _num(s.latest.value),
                "change": _num(s.change.value),
                "low": s.change.interval.low,
                "high": s.change.interval.high,
                "significant": s.change.significant(),
            }
            for s in a.channel_shift
        ],
        "complaint_themes": [{"theme": t, "count": n} for t, n in a.complaint_themes],
        "complaints": a.complaints,
        "repeat_contact": _result_json(a.repeat_contact),
        "contacts_per_customer": _result_json(a.contacts_per_customer),
        "recognition": None
        if a.recognition is None
        else {
            "month": a.recognition.month,
            "month_to_date": a.recognition_month_to_date,
            "minimum_samples": a.model.recognition.minimum_samples
            if a.model.recognition is not None
            else None,
            "standings": [
                {"agent": s.agent, "points": s.points, "samples": s.samples, "rank": s.rank}
                for s in a.recognition.standings
            ],
        },
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
        "findings": [
            {
                "rank": i + 1,
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
            for i, f in enumerate(a.findings)
        ],
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
            lines.append(f"     why flagged: the rule of {first_with[f.rule]}.")
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
            cells.append(f"{c.metric} {_show(c.result)}")
            if isinstance(c.result, DurationStats) and c.result.median.total_seconds() == 0:
                zero_business = True
        lines.append(f"  {channel:<13} {', '.join(cells) or 'no data'}")
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
        lines.append(f"  {d.name}{variant}: {d.definition}")
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
        f"{a.interactions:,} interactions; periods: {a.period.value}; times are {a.clock}",
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
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:980px;color:#222}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;font-size:.85rem}td,th{padding:.25rem .6rem;border-bottom:1px solid #eee;text-align:left}
.bad{color:#b00020}.good{color:#1b5e20}figure{margin:1rem 0}
"""


def _trend_chart(a: Assessment, metric: str) -> str | None:
    rows = sorted((r for r in a.overall.rows if r.period is not None), key=lambda r: r.period)  # type: ignore[arg-type,return-value]
    if not rows or metric not in a.overall.metrics:
        return None
    labels: list[str] = []
    values: list[float | None] = []
    lows: list[float | None] = []
    highs: list[float | None] = []
    for row in rows:
        labels.append(str(row.period))
        result = row.cell(metric).result
        if isinstance(result, Rate | Net | Mean):
            values.append(float(result.value))
            lows.append(result.interval.low)
            highs.append(result.interval.high)
        elif isinstance(result, DurationStats):
            values.append(result.median.total_seconds() / 60)
            lows.append(None)
            highs.append(None)
        else:
            values.append(None)
            lows.append(None)
            highs.append(None)
    if all(v is None for v in values):
        return None
    unit = " (median minutes)" if metric.endswith("_time") else ""
    return line_chart(
        f"{metric}{unit} by {a.period.value}, with 95% interval",
        labels,
        [Series(name=metric, values=values, lower=lows, upper=highs)],
    )


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
    labels = [str(r.period) for r in rows]
    channels = sorted({label for r in rows for label, _ in r.cell("channel_mix").result.counts})  # type: ignore[union-attr]
    stacks = []
    for channel in channels:
        stacks.append(
            (
                channel,
                [float(dict(r.cell("channel_mix").result.counts).get(channel, 0)) for r in rows],  # type: ignore[union-attr]
            )
        )
    return stacked_bars(f"Channel mix by {a.period.value}", labels, stacks)


def _goal_chart(goal_report: Any) -> str | None:
    goal = goal_report.goal
    if not goal_report.observations or goal.start is None or goal.deadline is None:
        return None
    try:
        points = sorted(goal_report.observations, key=lambda o: o.at)
        labels = [o.at.format("YYYY-MM-DD") for o in points]
        expected = [float(goal.expected_at(o.at)) for o in points]
    except Exception:
        return None
    actual = [float(o.value) for o in points]
    return line_chart(
        f"Goal: {goal.name} — observed vs expected line",
        labels,
        [
            Series(name="observed", values=actual),
            Series(name="expected", values=expected, dashed=True),
        ],
    )


def render_html(a: Assessment) -> str:
    """One self-contained HTML page: the text sections as tables, and inline SVG charts."""
    data = render_json(a)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(a.model.name)} — service model assessment</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{escape(a.model.name)} — {escape(a.model.type.value)} service model</h1>",
        f"<p>As of {escape(a.as_of.isoformat())}; {a.interactions:,} interactions; "
        f"periods: {escape(a.period.value)}.</p>",
    ]
    if a.findings:
        parts.append("<h2>What needs attention most</h2><ol>")
        for f in data["findings"]:
            parts.append(
                f"<li><strong>{escape(f['title'])}</strong><br>{escape(f['evidence'])}</li>"
            )
        parts.append("</ol>")
    charts = [c for c in (_trend_chart(a, m) for m in a.overall.metrics) if c]
    mix = _mix_chart(a)
    if charts or mix:
        parts.append("<h2>Trends</h2>")
        figures: list[str] = [*charts, *([mix] if mix else [])]
        parts.extend(f"<figure>{chart}</figure>" for chart in figures)
    if a.goals:
        parts.append(
            "<h2>Goals</h2><table><tr><th>goal</th><th>status</th><th>SMART</th><th>note</th></tr>"
        )
        for g in a.goals:
            status = g.progress.status.value.replace("_", " ") if g.progress else "not measured"
            css = "good" if status in ("on track", "achieved") else "bad"
            smart = "yes" if g.smart.holds else "; ".join(g.smart.failures())
            parts.append(
                f"<tr><td>{escape(g.goal.name)}</td><td class='{css}'>{escape(status)}</td>"
                f"<td>{escape(smart)}</td><td>{escape(g.note)}</td></tr>"
            )
        parts.append("</table>")
        for g in a.goals:
            goal_chart = _goal_chart(g)
            if goal_chart:
                parts.append(f"<figure>{goal_chart}</figure>")
    if a.sla:
        parts.append(
            "<h2>SLA compliance</h2><table><tr><th>policy</th><th>priority</th><th>metric</th>"
            "<th>compliance</th><th>met</th><th>breached</th><th>running</th></tr>"
        )
        for s in a.sla:
            rate = f"{float(s.rate.value):.1%}" if s.met + s.breached else "n/a"
            parts.append(
                f"<tr><td>{escape(s.policy)}</td><td>{escape(s.priority.value)}</td><td>{escape(s.metric.value)}</td>"
                f"<td>{rate}</td><td>{s.met}</td><td>{s.breached}</td><td>{s.pending}</td></tr>"
            )
        parts.append("</table>")
    text = render_text(a)
    parts.append("<h2>Full report</h2><pre>" + escape(text) + "</pre>")
    parts.append("</body></html>")
    return "\n".join(parts)
