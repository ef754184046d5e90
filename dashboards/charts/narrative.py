"""Sentences written from the numbers: what changed against the previous period, and who drove it.

A NARRATIVE chart's SQL returns one row per measure (SEGMENT_TYPE and SEGMENT empty) and, to name the
segments behind a change, one row per measure and segment:

    METRIC        the measure's name, as the sentences show it
    SEGMENT_TYPE  what the segments are (for example "region"); empty on the measure's total row
    SEGMENT       the segment; empty on the total row
    VALUE         the value
    OBSERVATIONS  optional: for an average, the number of rows averaged; empty for a total (a sum)
    FMT           optional: how the value reads (a `Fmt` value); the chart's `fmt` otherwise

Only METRIC and VALUE are required. Segments of one type should partition the measure's rows, so that
their parts of a change add up to the change: for a total a segment's part is its own change; for an
average it is the change of its share of the average (value x observations / all observations).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..warehouse.result import Result
from .formatting import fmt_change, fmt_value, to_float
from .spec import Chart, Fmt

TOP_MOVES = 3  # measures described one by one
TOP_DRIVERS = 2  # segments named per measure

Segment = tuple[str, str]  # (segment type, segment)


@dataclass
class _Measure:
    name: str
    fmt: Fmt
    value: float | None = None
    observations: float | None = None
    averaged: bool = False
    segments: dict[Segment, tuple[float | None, float | None]] = field(default_factory=dict)


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _fmt(raw: object, default: Fmt) -> Fmt:
    try:
        return Fmt(str(raw).lower()) if raw not in (None, "") else default
    except ValueError:
        return default


def _measures(chart: Chart, result: Result) -> dict[str, _Measure]:
    """The result's rows grouped by measure, in the order the measures first appear."""
    measures: dict[str, _Measure] = {}
    for row in result.records():
        name = _text(row.get("METRIC"))
        if not name:
            continue
        measure = measures.setdefault(name, _Measure(name, _fmt(row.get("FMT"), chart.fmt)))
        value, observations = to_float(row.get("VALUE")), to_float(row.get("OBSERVATIONS"))
        measure.averaged = measure.averaged or observations is not None
        kind, segment = _text(row.get("SEGMENT_TYPE")), _text(row.get("SEGMENT"))
        if kind or segment:
            measure.segments[(kind, segment)] = (value, observations)
        else:
            measure.value, measure.observations = value, observations
    return measures


def _relative(current: float, previous: float) -> float:
    """The size of a move, comparable across measures: the change as a share of the previous value."""
    if previous == 0:
        return 0.0 if current == 0 else math.inf
    return (current - previous) / abs(previous)


def _weight(measure: _Measure, kind: str) -> float | None:
    """All observations of an average: the total row's, or else the sum over one segment type."""
    if measure.observations:
        return measure.observations
    total = sum(obs or 0.0 for (k, _), (_, obs) in measure.segments.items() if k == kind)
    return total or None


def _part(measure: _Measure, segment: Segment) -> float:
    """What one segment adds to the measure: its total, or its share of the average."""
    value, observations = measure.segments.get(segment, (None, None))
    if value is None:
        return 0.0
    if not measure.averaged:
        return value
    weight = _weight(measure, segment[0])
    return value * (observations or 0.0) / weight if weight else 0.0


def _drivers(current: _Measure, previous: _Measure, change: float) -> list[tuple[Segment, float]]:
    """The segments whose part moved most in the direction of the change, largest first."""
    parts = [
        (segment, _part(current, segment) - _part(previous, segment))
        for segment in sorted(set(current.segments) | set(previous.segments))
    ]
    same_way = [(s, p) for s, p in parts if p * change > 0]
    same_way.sort(key=lambda sp: (-abs(sp[1]), sp[0]))
    return same_way[:TOP_DRIVERS]


def _signed(amount: float, fmt: Fmt) -> str:
    return ("+" if amount >= 0 else "-") + fmt_value(abs(amount), fmt)


def _segment_name(segment: Segment) -> str:
    kind, name = segment
    return f"the {name} {kind}" if kind else name


def _driver_sentence(measure: _Measure, drivers: list[tuple[Segment, float]], change: float) -> str:
    direction = "rise" if change > 0 else "fall"
    described = []
    for segment, part in drivers:
        share = f"{part / change:.0%} of the {direction}"
        amount = "" if measure.averaged else f"{_signed(part, measure.fmt)}, "
        described.append(f"{_segment_name(segment)} ({amount}{share})")
    joined = " and ".join(described) if len(described) <= 2 else ", ".join(described)
    return f"Most of the {direction} came from {joined}."


def _current_only(measures: dict[str, _Measure]) -> list[str]:
    values = "; ".join(f"{m.name} {fmt_value(m.value, m.fmt)}" for m in measures.values())
    return ["There is no previous period to compare with.", f"This period: {values}."]


def narrate(chart: Chart, result: Result, previous: Result | None) -> list[str]:
    """Sentences on the measures that moved most against the previous period and the segments that
    contributed most to each move, written only from the two results."""
    current = _measures(chart, result)
    if not current:
        return []
    before = _measures(chart, previous) if previous is not None else {}
    if not before:
        return _current_only(current)

    moves: list[tuple[float, str, float, float]] = []  # (relative size, name, now, before)
    missing: list[str] = []
    for name, measure in current.items():
        old = before.get(name)
        if measure.value is None or old is None or old.value is None:
            missing.append(name)
        else:
            moves.append((_relative(measure.value, old.value), name, measure.value, old.value))
    missing += [name for name in before if name not in current]
    moves.sort(key=lambda m: (-abs(m[0]), m[1]))

    rose = sum(1 for m in moves if m[2] > m[3])
    fell = sum(1 for m in moves if m[2] < m[3])
    same = len(moves) - rose - fell
    overview = f"Against the previous period, {rose} of {len(moves)} measures rose and {fell} fell"
    sentences = [overview + (f"; {same} did not change." if same else ".")]

    moved = [m for m in moves if m[2] != m[3]]
    for _, name, now, then in moved[:TOP_MOVES]:
        measure, old = current[name], before[name]
        verb = "rose" if now > then else "fell"
        sentences.append(
            f"{name} {verb} to {fmt_value(now, measure.fmt)} from {fmt_value(then, measure.fmt)} "
            f"({fmt_change(now, then, measure.fmt)})."
        )
        drivers = _drivers(measure, old, now - then)
        if drivers:
            sentences.append(_driver_sentence(measure, drivers, now - then))

    rest = moved[TOP_MOVES:]
    if rest:
        smaller = ", ".join(
            f"{name} ({fmt_change(now, then, current[name].fmt)})" for _, name, now, then in rest
        )
        sentences.append(f"Smaller moves: {smaller}.")
    if missing:
        sentences.append(f"Not compared, as one of the periods has no value: {', '.join(missing)}.")
    return sentences
