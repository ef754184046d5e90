"""The offline interpreter: a question in, a Plan (or a reasoned refusal) out. No network, no LLM.

Words are matched against the semantic model: metric and dimension names and synonyms, and the
values each enumerated dimension holds in the warehouse. Time phrases, grains, top-N and comparisons
are read first. Any word left that is neither matched nor a filler word makes it decline, naming the
words; an ambiguous value or measure makes it ask which was meant.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from .model import Dimension, Metric, SemanticModel
from .text import close, tokens
from .timerange import TimeRange, auto_grain, find_compare, find_grain, find_range

MAX_LENGTH = 500

FILLER = frozenset(
    tokens(
        "what whats what's is are was were be the a an of for in on at by per each every to me us show give "
        "list tell how many much which who do does did our we my i have has had with and or across between "
        "from get please there it its that this these those all broken down breakdown split group grouped "
        "segment segmented where when compare number total count amount overall level value "
        "see view chart graph plot table display find report whose did done been look like "
        "current currently so far than more less higher lower among within during over "
        "customer customers s make made earn earned generate generated bring brought"
    )
)
GROUP_WORDS = frozenset(
    tokens("by per across each every which breakdown split group grouped segmented among")
)
TOP_RE = re.compile(
    r"\b(top|highest|largest|biggest|most|best|greatest|maximum|max|bottom|lowest|smallest|least|worst|"
    r"fewest|minimum|min)\b(?: (\d+))?"
)
ASCENDING = {"bottom", "lowest", "smallest", "least", "worst", "fewest", "minimum", "min"}
SQL_RE = re.compile(
    r"(;|--|/\*|\b(select|insert|update|delete|drop|alter|truncate|grant|revoke|merge|union|exec|execute)\b"
    r"|\bfrom\s+\w+\.\w+|\bwhere\s+\w+\s*=)",
    re.I,
)
INJECTION_RE = re.compile(
    r"\b(ignore|disregard|forget|override|bypass|circumvent)\b.{0,40}\b(rules?|instructions?|prompts?|"
    r"restrictions?|scope|guardrails?|previous|policy|policies)\b|\bsystem prompt\b|\bjailbreak\b|"
    r"\byou are now\b|\bpretend\b",
    re.I,
)
PII_RE = re.compile(
    r"\b(e-?mails?( address(es)?)?|phone( numbers?)?|passwords?|ssn|social security|home address(es)?|"
    r"(first|last|full|customer|their|people'?s) names?|names of|who are the customers)\b",
    re.I,
)


@dataclass(frozen=True)
class Plan:
    metrics: tuple[Metric, ...]
    group_by: tuple[Dimension, ...] = ()
    filters: tuple[tuple[Dimension, tuple[str, ...]], ...] = ()
    time: TimeRange | None = None
    grain: str = ""
    order: str = ""
    limit: int | None = None
    compare: bool = False
    time_given: bool = False

    @property
    def table(self) -> str:
        return self.metrics[0].table

    def describe(self) -> str:
        """What was understood, e.g. "Average order value · by region · last quarter (1 Jul to 30 Sep 2026)"."""
        parts = [" and ".join(m.label for m in self.metrics)]
        if self.grain:
            parts.append(f"by {self.grain}")
        if self.group_by:
            parts.append("by " + " and ".join(d.label for d in self.group_by))
        for dim, values in self.filters:
            parts.append(f"{dim.label}: {', '.join(values)}")
        if self.order:
            parts.append(
                ("top" if self.order == "desc" else "bottom") + (f" {self.limit}" if self.limit else "")
            )
        if self.time:
            parts.append(self.time.label)
        if self.compare:
            parts.append("vs the previous period")
        return " · ".join(parts)


@dataclass(frozen=True)
class Refusal:
    status: str  # "declined", "clarify" or "rejected"
    message: str
    unknown: tuple[str, ...] = ()
    options: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Entry:
    kind: str  # "metric", "dim" or "value"
    target: str  # metric or dimension name
    value: str = ""


class Lexicon:
    """Phrases (as token tuples) to what they name; a phrase may name several things."""

    def __init__(self, model: SemanticModel, values: Mapping[str, list[str]]) -> None:
        self.phrases: dict[tuple[str, ...], list[Entry]] = {}
        for metric in model.metrics:
            for phrase in (metric.name, *metric.synonyms):
                self._add(phrase, Entry("metric", metric.name))
        for dim in model.dimensions:
            for phrase in (dim.name, *dim.synonyms):
                self._add(phrase, Entry("dim", dim.name))
            for value in values.get(dim.name, ()):
                if tuple(tokens(value)) not in {(w,) for w in FILLER}:  # "IN" (India) is not the word "in"
                    self._add(value, Entry("value", dim.name, value))
        self.longest = max(len(p) for p in self.phrases)

    def _add(self, phrase: str, entry: Entry) -> None:
        key = tuple(tokens(phrase))
        if key and entry not in self.phrases.setdefault(key, []):
            self.phrases[key].append(entry)

    def match(self, words: list[str], start: int) -> tuple[int, list[Entry]]:
        """The longest phrase at `start` (exact words first, then with small typos)."""
        for fuzzy in (False, True):
            for size in range(min(self.longest, len(words) - start), 0, -1):
                span = tuple(words[start : start + size])
                if not fuzzy:
                    if span in self.phrases:
                        return size, self.phrases[span]
                    continue
                for key, entries in self.phrases.items():
                    if len(key) == size and all(close(w, k) for w, k in zip(span, key, strict=True)):
                        return size, entries
        return 0, []


@dataclass
class _Token:
    position: int
    end: int
    words: str
    entries: list[Entry]
    after_group_word: bool


def screen(question: str) -> Refusal | None:
    """Input that is refused before any interpretation: empty, too long, SQL, injections, PII."""
    text = question.strip()
    if not text:
        return Refusal(
            "rejected", "Type a question, for example “average order value by region last quarter”."
        )
    if len(text) > MAX_LENGTH:
        return Refusal(
            "rejected", f"Questions are limited to {MAX_LENGTH} characters; this one has {len(text)}."
        )
    if SQL_RE.search(text):
        return Refusal(
            "rejected", "That looks like SQL. The question box never runs SQL that is typed in; ask in words."
        )
    if INJECTION_RE.search(text):
        return Refusal(
            "rejected", "The question box answers questions about the data; its rules cannot be changed."
        )
    if PII_RE.search(text):
        return Refusal(
            "rejected",
            "The question box answers with totals and averages; it does not list names, e-mail addresses "
            "or other personal details. Open a customer's page for those.",
        )
    return None


def _reachable(model: SemanticModel, table: str, dim: Dimension) -> bool:
    return dim.table == table or model.join(table, dim.table) is not None


def _pick(model: SemanticModel, table: str, names: list[str]) -> list[Dimension]:
    """Of the dimensions `names` could mean, those the metric's table can reach (its own first)."""
    dims = [model.dimension(n) for n in dict.fromkeys(names)]
    own = [d for d in dims if d.table == table]
    return own or [d for d in dims if _reachable(model, table, d)]


class Interpreter:
    def __init__(self, model: SemanticModel, values: Mapping[str, list[str]]) -> None:
        self.model = model
        self.lexicon = Lexicon(model, values)

    def interpret(
        self,
        question: str,
        *,
        first_day: object,
        last_day: object,
        default_range: TimeRange | None = None,
    ) -> Plan | Refusal:
        import datetime as dt

        assert isinstance(first_day, dt.date) and isinstance(last_day, dt.date)
        refused = screen(question)
        if refused:
            return refused
        text = " ".join(question.lower().replace("?", " ").replace(",", " ").split())
        text = re.sub(
            r"\b(vs\.?|versus|compared (to|with)) (the )?(last|previous|prior|preceding) "
            r"(week|month|quarter|year|period)\b",
            " vs ",
            text,
        )
        text = re.sub(r"\bthe (week|month|quarter|year) before\b", " ", text)
        compare, text = find_compare(text)
        grain, text = find_grain(text)
        time, text = find_range(text, first=first_day, last=last_day)
        order, limit = "", None
        m = TOP_RE.search(text)
        if m:
            order = "asc" if m.group(1) in ASCENDING else "desc"
            limit = int(m.group(2)) if m.group(2) else None
            text = text[: m.start()] + " " + text[m.end() :]
        return self._plan(question, text, time, default_range, grain, order, limit, compare)

    def _scan(self, text: str) -> tuple[list[_Token], list[str]]:
        words = tokens(text)
        found: list[_Token] = []
        unknown: list[str] = []
        i = 0
        while i < len(words):
            size, entries = self.lexicon.match(words, i)
            if size:
                after = i > 0 and words[i - 1] in GROUP_WORDS
                found.append(_Token(i, i + size, " ".join(words[i : i + size]), entries, after))
                i += size
                continue
            if words[i] not in FILLER:
                unknown.append(words[i])
            i += 1
        return found, unknown

    def _plan(
        self,
        question: str,
        text: str,
        time: TimeRange | None,
        default_range: TimeRange | None,
        grain: str,
        order: str,
        limit: int | None,
        compare: bool,
    ) -> Plan | Refusal:
        found, unknown = self._scan(text)
        if unknown:
            return Refusal(
                "declined",
                "I could not map these words to the data: " + ", ".join(f"“{w}”" for w in unknown) + ".",
                unknown=tuple(unknown),
            )
        [e.target for tok in found for e in tok.entries if e.kind == "metric"]
        metric_tokens = [tok for tok in found if any(e.kind == "metric" for e in tok.entries)]
        metrics = self._metrics(metric_tokens)
        if isinstance(metrics, Refusal):
            return metrics
        if not metrics:
            return Refusal(
                "clarify",
                "Which measure do you mean? Name one, for example revenue, average order value, customers, "
                "average sentiment, tickets or average rating.",
            )
        table = metrics[0].table
        group: list[Dimension] = []
        filters: dict[str, tuple[Dimension, list[str]]] = {}
        rest = [
            tok
            for tok in found
            if tok not in metric_tokens and not all(e.kind == "metric" for e in tok.entries)
        ]
        dim_tokens = [
            tok
            for tok in rest
            if any(e.kind == "dim" for e in tok.entries) and not any(e.kind == "value" for e in tok.entries)
        ]
        value_tokens = [tok for tok in rest if any(e.kind == "value" for e in tok.entries)]
        used_dims: set[int] = set()
        for tok in value_tokens:
            candidates = [e for e in tok.entries if e.kind == "value"]
            dims = _pick(self.model, table, [e.target for e in candidates])
            if len(dims) > 1:  # a neighbouring dimension word says which ("high churn risk")
                for near in dim_tokens:
                    if abs(near.position - tok.position) <= 3:
                        named = {e.target for e in near.entries if e.kind == "dim"}
                        chosen = [d for d in dims if d.name in named]
                        if chosen:
                            dims = chosen[:1]
                            used_dims.add(id(near))
                            break
            if not dims:
                where = ", ".join(sorted({self.model.dimension(e.target).label for e in candidates}))
                return Refusal(
                    "declined", f"“{tok.words}” ({where}) cannot be applied to {metrics[0].label.lower()}."
                )
            if len(dims) > 1:
                return Refusal(
                    "clarify",
                    f"“{tok.words}” could mean several things: "
                    + ", ".join(d.label for d in dims)
                    + ". Name which one, for example “"
                    + f"{tok.words} {dims[0].label}”.",
                    options=tuple(d.label for d in dims),
                )
            dim = dims[0]
            value = next(e.value for e in candidates if e.target == dim.name)
            for near in dim_tokens:  # "region EMEA": the dimension word only names the value's dimension
                if abs(near.position - tok.position) <= 3 and dim.name in {e.target for e in near.entries}:
                    used_dims.add(id(near))
            filters.setdefault(dim.name, (dim, []))[1].append(value)
        value_ends = {tok.end for tok in value_tokens}
        for tok in dim_tokens:
            if id(tok) in used_dims or (tok.position in value_ends and not tok.after_group_word):
                continue  # "Electronics products", "retention campaigns": a noun after a value, not a breakdown
            dims = _pick(self.model, table, [e.target for e in tok.entries if e.kind == "dim"])
            if not dims:
                return Refusal("declined", f"{metrics[0].label} cannot be broken down by “{tok.words}”.")
            if len(dims) > 1:
                return Refusal(
                    "clarify",
                    f"“{tok.words}” could mean " + " or ".join(d.label for d in dims) + ". Which one?",
                    options=tuple(d.label for d in dims),
                )
            if dims[0] not in group:
                group.append(dims[0])
        if len(group) > 2 or (grain and len(group) > 1):
            return Refusal("declined", "Ask for at most two breakdowns at a time (or one over time).")
        time_given = time is not None
        time = time or default_range
        if grain == "auto":
            grain = auto_grain((time.date_to - time.date_from).days + 1) if time else "month"
        if grain and not self.model.tables[table].time:
            return Refusal(
                "declined", f"{metrics[0].label} is not dated, so it cannot be shown {grain} by {grain}."
            )
        return Plan(
            metrics=tuple(metrics),
            group_by=tuple(group),
            filters=tuple((dim, tuple(dict.fromkeys(vals))) for dim, vals in filters.values()),
            time=time,
            grain=grain,
            order=order,
            limit=limit,
            compare=compare and not grain and not group,
            time_given=time_given,
        )

    def _metrics(self, metric_tokens: list[_Token]) -> list[Metric] | Refusal:
        chosen: list[Metric] = []
        for tok in metric_tokens:
            names = list(dict.fromkeys(e.target for e in tok.entries if e.kind == "metric"))
            if len(names) > 1:
                return Refusal(
                    "clarify",
                    f"“{tok.words}” could mean "
                    + " or ".join(self.model.metric(n).label for n in names)
                    + ".",
                    options=tuple(self.model.metric(n).label for n in names),
                )
            metric = self.model.metric(names[0])
            if metric not in chosen:
                chosen.append(metric)
        if len(chosen) > 1:  # "average sentiment of customers": a plain count only qualifies another measure
            measures = [m for m in chosen if not m.expr.upper().startswith("COUNT(")]
            chosen = measures or chosen
        if len({m.table for m in chosen}) > 1:
            return Refusal(
                "clarify",
                "Ask about one of these at a time: " + ", ".join(m.label for m in chosen) + ".",
                options=tuple(m.label for m in chosen),
            )
        return chosen
