"""MkDocs hook: writes the questions reference into questions.md from copier.yml at build time.

copier.yml is the one source of every question's type, default, choices, help and condition;
this hook turns it into Markdown where questions.md has the QUESTIONS marker, so the page can
never drift from the template. `mkdocs serve` rebuilds when copier.yml changes.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

MARKER = "<!-- QUESTIONS -->"
VALIDATOR_MACRO = re.compile(r"import (\w+) as check")
JINJA = re.compile(r"\{\{|\{%")


def copier_yml(config: MkDocsConfig) -> Path:
    return Path(config.config_file_path).parent / "copier.yml"


def load_questions(path: Path) -> dict[str, dict[str, Any]]:
    """Questions in the order of copier.yml; keys starting with `_` are settings, not questions."""
    raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {name: spec for name, spec in raw.items() if not name.startswith("_")}


def scalar(value: Any) -> str:
    """A value as an answer is typed: `Ticket Router`, `3.11`, `true`."""
    if isinstance(value, str):
        return value
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True)
    return text.removesuffix("\n...\n").strip()


def code(text: str) -> str:
    """An inline code span that survives backticks and, in tables, pipes."""
    fence = "``" if "`" in text else "`"
    return f"{fence}{text}{fence}"


def default_cell(spec: dict[str, Any]) -> str:
    default = spec.get("default")
    if isinstance(default, str) and JINJA.search(default):
        return "computed (below)"
    return code(scalar(default))


def summary_table(questions: dict[str, dict[str, Any]]) -> list[str]:
    lines = ["| Question | Type | Default | Asked |", "|---|---|---|---|"]
    for name, spec in questions.items():
        if spec.get("when") is False:
            asked = "never (`--data` only)"
        else:
            asked = "when " + code(spec["when"]) if "when" in spec else "always"
        asked = asked.replace("|", r"\|")
        lines.append(f"| [{name}](#{name}) | {spec['type']} | {default_cell(spec)} | {asked} |")
    return lines


def question_section(name: str, spec: dict[str, Any]) -> list[str]:
    lines = [f"### {name}", "", spec["help"] + ".", ""]
    lines.append(f"- **Type:** `{spec['type']}`")
    default = spec.get("default")
    if isinstance(default, str) and JINJA.search(default):
        lines.append("- **Default:** computed when the project is rendered:")
        lines += ["", "    ```jinja", f"    {default}", "    ```", ""]
    else:
        lines.append(f"- **Default:** {code(scalar(default))}")
    if "choices" in spec:
        lines.append("- **Choices:**")
        choices = spec["choices"]
        pairs = choices.items() if isinstance(choices, dict) else ((c, c) for c in choices)
        lines += [f"    - {code(scalar(value))}: {label}" for label, value in pairs]
    if spec.get("when") is False:
        lines.append("- **Never asked:** an answer given with `--data` still counts")
    elif "when" in spec:
        lines.append(f"- **Asked only when:** {code(spec['when'])} is true")
    if "validator" in spec:
        match = VALIDATOR_MACRO.search(spec["validator"])
        macro = match.group(1) if match else "an inline rule"
        lines.append(
            f"- **Validated by:** `{macro}` in `includes/validators.jinja`; "
            "a bad answer is refused with a sentence that says how to fix it"
        )
    return [*lines, ""]


def questions_markdown(path: Path) -> str:
    questions = load_questions(path)
    lines = [*summary_table(questions), ""]
    for name, spec in questions.items():
        lines += question_section(name, spec)
    return "\n".join(lines)


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    config.watch.append(str(copier_yml(config)))
    return config


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if page.file.src_uri != "questions.md":
        return markdown
    if MARKER not in markdown:
        raise ValueError(f"questions.md lost its {MARKER} marker; the reference goes there")
    return markdown.replace(MARKER, questions_markdown(copier_yml(config)))
