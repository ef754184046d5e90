"""`manage.py ask_sample_values`: refresh the semantic model's sample values from the warehouse."""

from __future__ import annotations

import re
from typing import Any

from django.core.management.base import BaseCommand

from accounts.access import Viewer
from dashboards.ask.model import MODEL_PATH, load_raw, parse_model
from dashboards.ask.values import dimension_values
from dashboards.ask.verified import standalone_sql

MAX_SAMPLES = 12


def _flow(values: list[str]) -> str:
    def quote(v: str) -> str:
        return (
            v
            if re.fullmatch(r"[A-Za-z][\w .&-]*[\w.]|[A-Za-z]", v)
            and v.lower() not in {"yes", "no", "on", "off", "true", "false", "null"}
            else '"' + v.replace('"', '\\"') + '"'
        )

    return "[" + ", ".join(quote(v) for v in values) + "]"


def _with_verified_sql(text: str) -> str:
    """The model with each verified query's sql replaced by the offline engine's standalone SQL."""
    import time

    import yaml

    head, _, _ = text.partition("\nverified_queries:")
    model = parse_model(yaml.safe_load(text))
    viewer = Viewer(username="ask_sample_values")
    queries = [
        {
            "name": q.name,
            "question": q.question,
            "sql": standalone_sql(q.question, model, viewer),
            "verified_at": int(time.time()),
            "verified_by": "manage.py ask_sample_values",
            "use_as_onboarding_question": q.onboarding,
        }
        for q in model.verified_queries
    ]

    class Dumper(yaml.SafeDumper):
        pass

    def block(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, block)
    body = yaml.dump({"verified_queries": queries}, Dumper=Dumper, sort_keys=False, width=110)
    return head.rstrip() + "\n\n" + body


class Command(BaseCommand):
    help = "Rewrite each enumerated dimension's sample_values in sql/semantic/customer_analytics.yaml from the warehouse."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--verified-queries",
            action="store_true",
            help="also rewrite each verified query's SQL (as of today's data)",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        model = parse_model(load_raw(MODEL_PATH))
        values = dimension_values(model, Viewer(username="ask_sample_values"))
        lines = MODEL_PATH.read_text().splitlines()
        current = ""
        changed = 0
        for i, line in enumerate(lines):
            name = re.match(r"\s+- name: (\w+)\s*$", line)
            if name:
                current = name.group(1)
            samples = re.match(r"(\s+)sample_values: ", line)
            if samples and current in values:
                new = f"{samples.group(1)}sample_values: {_flow(values[current][:MAX_SAMPLES])}"
                changed += new != line
                lines[i] = new
        text = "\n".join(lines) + "\n"
        if opts.get("verified_queries"):
            text = _with_verified_sql(text)
        MODEL_PATH.write_text(text)
        parse_model(load_raw(MODEL_PATH))  # still a valid model
        self.stdout.write(f"{changed} dimension(s) updated in {MODEL_PATH}")
