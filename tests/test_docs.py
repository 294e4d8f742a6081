"""The documentation site: it builds with --strict, every nav page exists, and the questions
reference, generated from copier.yml at build time, lists every question with its default."""

from __future__ import annotations

import html
import re
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from rendering import REPO, run

QUESTIONS: dict[str, dict[str, Any]] = {
    name: spec
    for name, spec in yaml.safe_load((REPO / "copier.yml").read_text()).items()
    if not name.startswith("_")
}
TAG = re.compile(r"<[^>]+>")


class MkDocsLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, whose `!!python/name:` tags name functions by their dotted path."""


MkDocsLoader.add_multi_constructor(
    "tag:yaml.org,2002:python/name:", lambda loader, suffix, node: suffix
)
MKDOCS: dict[str, Any] = yaml.load((REPO / "mkdocs.yml").read_text(), Loader=MkDocsLoader)  # noqa: S506


def nav_pages(nav: list[Any]) -> Iterator[str]:
    for entry in nav:
        value = next(iter(entry.values())) if isinstance(entry, dict) else entry
        if isinstance(value, list):
            yield from nav_pages(value)
        else:
            yield value


def build(config: Path, site: Path) -> tuple[int, str]:
    """`mkdocs build --strict` as the docs session runs it; its exit code and output."""
    result = run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site)],
        config.parent,
        NO_MKDOCS_2_WARNING="1",
    )
    return result.returncode, result.stdout + result.stderr


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("site")
    code, output = build(REPO / "mkdocs.yml", site)
    assert code == 0, output
    assert "WARNING" not in output, output
    return site


def text_of(page: str) -> str:
    return html.unescape(TAG.sub("", page))


def built_page(site: Path, page: str) -> Path:
    return site / ("index.html" if page == "index.md" else page.removesuffix(".md") + "/index.html")


def test_every_nav_page_exists_and_is_built(site: Path) -> None:
    pages = list(nav_pages(MKDOCS["nav"]))
    assert "decisions.md" in pages
    for page in pages:
        assert (REPO / "docs" / page).is_file(), page
        assert built_page(site, page).is_file(), page


def test_every_page_in_docs_is_in_the_nav() -> None:
    pages = {p.relative_to(REPO / "docs").as_posix() for p in (REPO / "docs").rglob("*.md")}
    assert pages == set(nav_pages(MKDOCS["nav"]))


def question_sections(site: Path) -> dict[str, str]:
    """The built questions page, split into the text of each question's section."""
    page = built_page(site, "questions.md").read_text()
    starts = [(m.group(1), m.start()) for m in re.finditer(r'<h3 id="([a-z_]+)"', page)]
    ends = [start for _, start in starts[1:]] + [page.index("</article>")]
    return {name: text_of(page[start:end]) for (name, start), end in zip(starts, ends, strict=True)}


def test_questions_page_lists_every_question_of_copier_yml_in_order(site: Path) -> None:
    assert list(question_sections(site)) == list(QUESTIONS)


@pytest.mark.parametrize("name", list(QUESTIONS))
def test_questions_page_gives_each_question_its_type_default_help_and_conditions(
    site: Path, name: str
) -> None:
    spec = QUESTIONS[name]
    section = question_sections(site)[name]
    assert f"Type: {spec['type']}" in section
    default = spec["default"]
    if isinstance(default, str) and "{{" in default:
        assert "Default: computed when the project is rendered:" in section
        assert default in section.split("Default:")[1]
    else:
        shown = str(default).lower() if isinstance(default, bool) else str(default)
        assert f"Default: {shown}\n" in section
    assert spec["help"] in section
    choices = spec.get("choices", {})
    for value in choices.values() if isinstance(choices, dict) else choices:
        assert f"{value}: " in section
    if spec.get("when") is False:
        assert "Never asked: an answer given with --data still counts" in section
    elif "when" in spec:
        assert f"Asked only when: {spec['when']} is true" in section
    if "validator" in spec:
        assert "Validated by:" in section


def test_flow_page_draws_mermaid_diagrams(site: Path) -> None:
    page = built_page(site, "flow.md").read_text()
    diagrams = re.findall(r'<pre class="mermaid"><code>(.*?)</code></pre>', page, re.DOTALL)
    assert len(diagrams) == 2
    assert "data_register" in diagrams[0]
    assert "train_model" in diagrams[0]


def test_changelog_page_is_the_changelog(site: Path) -> None:
    page = text_of(built_page(site, "changelog.md").read_text())
    first_entry = (REPO / "CHANGELOG.md").read_text().split("\n## ")[1].splitlines()[0]
    assert first_entry in page


def copy_of_the_docs(destination: Path) -> Path:
    for name in ("mkdocs.yml", "copier.yml", "CHANGELOG.md"):
        shutil.copy(REPO / name, destination / name)
    shutil.copytree(REPO / "docs", destination / "docs")
    return destination / "mkdocs.yml"


def link_to_a_missing_page(docs: Path) -> None:
    (docs / "faq.md").write_text("# FAQ\n\nSee [gone](gone.md).\n")


def link_to_a_missing_anchor(docs: Path) -> None:
    (docs / "faq.md").write_text("# FAQ\n\nSee [there](updating.md#nowhere).\n")


def page_left_out_of_the_nav(docs: Path) -> None:
    (docs / "stray.md").write_text("# Not in the nav\n")


def questions_marker_removed(docs: Path) -> None:
    (docs / "questions.md").write_text("# Questions\n")


@pytest.mark.parametrize(
    ("break_docs", "message"),
    [
        (link_to_a_missing_page, "gone.md"),
        (link_to_a_missing_anchor, "nowhere"),
        (page_left_out_of_the_nav, "stray.md"),
        (questions_marker_removed, "lost its <!-- QUESTIONS --> marker"),
    ],
)
def test_strict_build_fails_on_a_docs_mistake(
    tmp_path: Path, break_docs: Callable[[Path], None], message: str
) -> None:
    config = copy_of_the_docs(tmp_path)
    break_docs(tmp_path / "docs")
    code, output = build(config, tmp_path / "site")
    assert code != 0
    assert message in output
