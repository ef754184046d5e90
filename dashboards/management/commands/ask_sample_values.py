"""`manage.py ask_sample_values`: refresh the semantic model's sample values from the warehouse."""

from __future__ import annotations

import re
from typing import Any

from django.core.management.base import BaseCommand

from accounts.access import Viewer
from dashboards.ask.model import MODEL_PATH, load_raw, parse_model
from dashboards.ask.values import dimension_values

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


class Command(BaseCommand):
    help = "Rewrite each enumerated dimension's sample_values in sql/semantic/customer_analytics.yaml from the warehouse."

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
        MODEL_PATH.write_text("\n".join(lines) + "\n")
        parse_model(load_raw(MODEL_PATH))  # still a valid model
        self.stdout.write(f"{changed} dimension(s) updated in {MODEL_PATH}")
