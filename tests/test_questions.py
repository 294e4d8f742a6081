"""copier.yml: every question is well formed, computed values are right, bad answers are refused."""

from __future__ import annotations

import functools
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path
from typing import Any

import jinja2
import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from rendering import REPO, recorded_answers, render

QUESTIONS: dict[str, dict[str, Any]] = {
    name: spec
    for name, spec in yaml.safe_load((REPO / "copier.yml").read_text()).items()
    if not name.startswith("_")
}


@pytest.mark.parametrize("name", sorted(QUESTIONS))
def test_every_question_has_a_type_help_and_default(name: str) -> None:
    spec = QUESTIONS[name]
    assert spec["type"] in {"str", "bool", "int"}
    assert len(spec["help"]) > 15
    assert "default" in spec


@pytest.mark.parametrize("name", sorted(n for n, s in QUESTIONS.items() if s["type"] != "bool"))
def test_every_free_answer_is_validated(name: str) -> None:
    spec = QUESTIONS[name]
    assert "choices" in spec or "validator" in spec


@pytest.mark.parametrize(
    ("project_name", "slug", "package"),
    [
        ("Ticket Router", "ticket-router", "ticket_router"),
        ("My  Cool_Project.v2", "my-cool-project-v2", "my_cool_project_v2"),
        ("A", "a", "a"),
        ("Datasets", "datasets-model", "datasets_model"),
        ("Détection d'Émile", "detection-demile", "detection_demile"),
        ("Straße Œuvre & Łódź", "strasse-oeuvre-lodz", "strasse_oeuvre_lodz"),
        ("İstanbul Router", "istanbul-router", "istanbul_router"),
        ("Cafe\u0301 Router", "cafe-router", "cafe_router"),  # decomposed, as macOS may type it
    ],
)
def test_slug_and_package_name_are_computed_from_the_project_name(
    tmp_path: Path, project_name: str, slug: str, package: str
) -> None:
    answers = recorded_answers(render(tmp_path / "p", {"project_name": project_name}))
    assert answers["project_slug"] == slug
    assert answers["package_name"] == package
    assert answers["model_repo"] == slug
    assert answers["dataset_repo"] == f"{slug}-data"
    assert (tmp_path / "p" / "src" / package / "__init__.py").is_file()


def test_a_name_in_another_script_renders_with_a_slug_given(tmp_path: Path) -> None:
    name = "Тикеты"  # no ASCII letters: no slug to derive
    project = render(tmp_path / "p", {"project_name": name, "project_slug": "tickets"})
    assert recorded_answers(project)["package_name"] == "tickets"
    assert (project / "README.md").read_text(encoding="utf-8").startswith(f"# {name}\n")
    assert f'TITLE = "{name}"' in (project / "src/tickets/app.py").read_text(encoding="utf-8")


# Bad answer -> the phrase Copier's error must contain.
BAD_ANSWERS: list[tuple[dict[str, Any], str]] = [
    ({"project_name": ""}, "project name is empty"),
    ({"project_name": "2 Fast"}, "must start with a letter"),
    ({"project_name": "Emile's model!"}, "only letters, digits, spaces and"),
    ({"project_name": 'The "Router"'}, "only letters, digits, spaces and"),
    ({"project_name": "Router\\2"}, "only letters, digits, spaces and"),
    ({"project_name": "x" * 61}, "keep it to 60 or fewer"),
    ({"project_slug": "Ticket_Router"}, "not a valid slug"),
    ({"project_slug": "ticket--router"}, "not a valid slug"),
    ({"project_slug": "huggingface-hub"}, "a project cannot depend on itself"),
    ({"package_name": "1router"}, "not a valid package name"),
    ({"package_name": "class"}, "is a Python keyword"),
    ({"package_name": "datasets"}, "would shadow the Python module"),
    ({"package_name": "transformers"}, "would shadow the Python module"),
    ({"package_name": "platform"}, "would shadow the Python module"),  # breaks torch
    ({"package_name": "yaml"}, "would shadow the Python module"),  # a dependency's
    ({"package_name": "hub_testing"}, "would shadow the Python module"),  # the rendered tests'
    ({"package_name": "test_app"}, "would shadow the Python module"),
    ({"project_slug": "", "project_name": "Тикеты"}, "no letters from a to z"),
    ({"description": "line one\rline two"}, "single line of printable characters"),
    ({"author_name": "Ada\tLovelace"}, "single line of printable characters"),
    ({"author_email": "a\\q@example.com"}, "in ASCII letters, digits and . _ % + - only"),
    ({"author_email": "a,b@example.com"}, "not an email address that packaging tools accept"),
    ({"author_email": "<ada@example.com>"}, "not an email address that packaging tools accept"),
    ({"author_email": "\u00fc@example.de"}, "not an email address that packaging tools accept"),
    ({"author_email": "ada@example..com"}, "not an email address that packaging tools accept"),
    ({"author_email": ".ada@example.com"}, "not an email address that packaging tools accept"),
    ({"description": 'Say "hi"'}, "cannot contain double quotes"),
    ({"description": "line one\nline two"}, "single line"),
    ({"author_email": "not-an-email"}, "not an email address"),
    ({"author_name": "   "}, "author name is empty"),
    ({"hf_namespace": "-acme"}, "not a Hub user or organization name"),
    ({"hf_namespace": "acme--lab"}, "not a Hub user or organization name"),
    ({"hf_namespace": "acme/lab"}, "not a Hub user or organization name"),
    ({"dataset_repo": "acme/data"}, "give only the repo name"),
    ({"model_repo": "model.git"}, 'ends with ".git"'),
    ({"model_repo": "my..model"}, 'contains "--" or ".."'),
    ({"model_repo": "-model"}, "not a Hub repo name"),
    ({"space_repo": "my space"}, "not a Hub repo name"),
    ({"base_model": "https://huggingface.co/bert-base-uncased"}, "not a Hub model id"),
    ({"base_model": "org/name/extra"}, "not a Hub model id"),
    ({"text_column": "my text"}, "not a usable column name"),
    ({"label_column": "text"}, "must differ from the text column"),
    ({"copyright_year": 1900}, "not a plausible copyright year"),
    (
        {"self_hosted_labels": "linux, gpu", "training_backend": "self-hosted"},
        'label "self-hosted"',
    ),
    (
        {"self_hosted_labels": "self-hosted, g pu", "training_backend": "self-hosted"},
        "not a runner label",
    ),
    (
        {"self_hosted_labels": "self-hosted,,gpu", "training_backend": "self-hosted"},
        "an empty label",
    ),
    ({"hf_jobs_flavor": "h100x8", "training_backend": "hf-jobs"}, "'h100x8' is not in"),
    ({"training_backend": "sagemaker"}, "'sagemaker' is not in"),
    ({"python_version": "3.9"}, "'3.9' is not in"),
    ({"license": "GPL-3.0"}, "'GPL-3.0' is not in"),
]


@pytest.mark.parametrize(
    ("answers", "phrase"),
    BAD_ANSWERS,
    ids=[f"{next(iter(a))}={next(iter(a.values()))!r}"[:50] for a, _ in BAD_ANSWERS],
)
def test_bad_answer_is_refused_with_a_message(
    tmp_path: Path, answers: dict[str, Any], phrase: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(phrase)) as error:
        render(tmp_path / "p", answers)
    question = next(iter(answers))
    assert f"'{question}'" in str(error.value)
    assert not (tmp_path / "p").exists()


@pytest.mark.parametrize(
    ("answers", "derived"),
    [
        (
            {"project_name": "An Extremely Long Project Name For Routing Messages"},
            {"package_name": "an_extremely_long_project_name_for_routi"},
        ),
        (
            {"author_name": "Li Ming of the Extraordinarily Long Team Name Inc"},
            {"hf_namespace": "li-ming-of-the-extraordinarily-long-team-n"},
        ),
        ({"author_name": "\u674e\u660e"}, {"hf_namespace": "your-name"}),
        ({"project_name": "Test Router"}, {"package_name": "router_model"}),
        ({"project_name": "Json"}, {"package_name": "json_model"}),
        ({"project_name": "Class"}, {"package_name": "class_model"}),
    ],
    ids=[
        "long-project-name",
        "long-author-name",
        "author-name-without-latin-letters",
        "test-prefixed-name",
        "name-of-a-module",
        "python-keyword",
    ],
)
def test_a_computed_default_passes_its_own_check(
    tmp_path: Path, answers: dict[str, Any], derived: dict[str, str]
) -> None:
    """--defaults renders whatever project or author name passed its own check."""
    recorded = recorded_answers(render(tmp_path / "p", answers))
    assert {name: recorded[name] for name in derived} == derived


def test_runner_labels_are_case_insensitive_as_on_github(tmp_path: Path) -> None:
    answers = {"training_backend": "self-hosted", "self_hosted_labels": "Self-Hosted, linux, gpu"}
    assert recorded_answers(render(tmp_path / "p", answers))["self_hosted_labels"] == (
        "Self-Hosted, linux, gpu"
    )


@functools.cache
def validators_template(macro: str) -> jinja2.Template:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(REPO),
        autoescape=True,  # the messages are not HTML, and only a word of them is looked at
        extensions=["jinja2_ansible_filters.AnsibleCoreFiltersExtension"],
    )
    source = f"{{% from 'includes/validators.jinja' import {macro} %}}{{{{ {macro}(v) }}}}"
    return environment.from_string(source)


def validators_macro(macro: str, value: str) -> str:
    """What a macro of includes/validators.jinja renders for `value`, with Copier's filters."""
    return validators_template(macro).render(v=value).strip()


def jinja_list(file: str, name: str) -> list[str]:
    """The strings of the list that includes/`file` sets as `name`."""
    text = (REPO / "includes" / file).read_text()
    match = re.search(rf"set {name} = \[(.*?)\]", text, re.DOTALL)
    assert match, f"no list {name} in {file}"
    return re.findall(r"'([\w.-]+)'", match.group(1))


def package_name_check(value: str) -> str:
    """What the package_name validator says about `value`."""
    return validators_macro("package_name", value)


def rendered_module_names(project: Path) -> set[str]:
    """Modules a rendered project imports by top-level name besides its package."""
    files = [*project.glob("tests/*.py"), *project.glob("tools/*.py"), project / "noxfile.py"]
    names = {path.stem for path in files}
    return names | {p.name for p in (project / "tools" / "local-hub" / "src").iterdir()}


def test_no_package_name_shadows_what_the_project_imports(tmp_path: Path) -> None:
    """The standard library, the rendered dependencies' modules and the project's own modules
    are all refused; scripts/shadowed_modules.py regenerates the list."""
    project = render(tmp_path / "p")
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    requirements = [*pyproject["project"]["dependencies"], *pyproject["dependency-groups"]["dev"]]
    direct = {canonicalize_name(Requirement(r).name) for r in requirements}
    dependencies = {
        module
        for module, owners in metadata.packages_distributions().items()
        if any(canonicalize_name(owner) in direct for owner in owners)
    }
    standard = {name for name in sys.stdlib_module_names if not name.startswith("_")}
    names = standard | dependencies | rendered_module_names(project)
    accepted = sorted(
        name
        for name in names
        if re.fullmatch("[a-z][a-z0-9_]*", name) and "shadow" not in package_name_check(name)
    )
    assert accepted == []
    assert package_name_check("ticket_router") == ""


def test_no_slug_names_a_distribution_the_project_installs(tmp_path: Path) -> None:
    """A project named like one of its dependencies, direct or not, depends on itself, which
    installers refuse; the default made from such a project name is accepted."""
    project = render(tmp_path / "p")
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    requirements = [*pyproject["project"]["dependencies"], *pyproject["dependency-groups"]["dev"]]
    installed, todo = set(), [Requirement(r) for r in requirements]
    while todo:
        requirement = todo.pop()
        name = canonicalize_name(requirement.name)
        if name in installed or (
            requirement.marker and not requirement.marker.evaluate({"extra": ""})
        ):
            continue
        installed.add(name)
        try:
            todo += [Requirement(r) for r in metadata.requires(name) or []]
        except metadata.PackageNotFoundError:
            continue
    slugs = sorted(name for name in installed if re.fullmatch("[a-z][a-z0-9-]*", name))
    assert [
        name for name in slugs if "depend on itself" not in validators_macro("slug", name)
    ] == []
    defaults = {validators_macro("slug_default", name.replace("-", " ")) for name in slugs}
    assert [name for name in sorted(defaults) if validators_macro("slug", name)] == []
    assert validators_macro("slug_default", "Ticket Router") == "ticket-router"


@pytest.mark.parametrize(
    "email",
    ["you@example.com", "ada.lovelace+ml@research.example.co.uk", "a_b%c@x-y.io", "A1@B2.de"],
)
def test_an_accepted_email_is_one_the_build_backend_takes(email: str) -> None:
    """hatchling reads the authors' emails with the standard library's address parser."""
    from email.headerregistry import Address

    assert validators_macro("email", email) == ""
    assert Address(addr_spec=email).addr_spec == email


def test_defaults_render_without_trust(tmp_path: Path) -> None:
    # render() passes unsafe=False: a template needing --trust would raise UnsafeTemplateError.
    project = render(tmp_path / "p")
    assert (project / "src" / "ticket_router" / "data_register.py").is_file()


@pytest.mark.parametrize(
    ("data", "visibility"),
    [
        ({}, "private"),
        ({"private_repos": False}, "public"),
        ({"private_repos": True}, "private"),
        ({"private_repos": False, "hub_visibility": "private"}, "private"),
    ],
    ids=["defaults", "old-answer-false", "old-answer-true", "new-answer-wins"],
)
def test_the_replaced_private_repos_answer_still_chooses_the_visibility(
    tmp_path: Path, data: dict[str, Any], visibility: str
) -> None:
    # Scripts written for 0.1.0 pass `--data private_repos=...`; the answer is not asked and
    # not recorded, but it still decides the default of hub_visibility.
    project = render(tmp_path / "p", data)
    answers = recorded_answers(project)
    assert answers["hub_visibility"] == visibility
    assert "private_repos" not in answers
    config = (project / "src" / "ticket_router" / "config.py").read_text()
    assert f'hub_visibility: str = "{visibility}"' in config
    assert "private_repos" not in config


def test_the_suggested_package_name_passes_the_check() -> None:
    """What a refused package name is offered instead, and the default made from a refused
    slug, are accepted: every module name, every keyword and "test_" names."""
    keywords = jinja_list("validators.jinja", "python_keywords")
    shadowed = jinja_list("shadowed_modules.jinja", "shadowed_modules")
    refused = [*shadowed, *keywords, "test", "test_router", "test_2", "test_test_app"]
    assert all(package_name_check(name) for name in refused)
    offered = {validators_macro("package_alternative", name) for name in refused}
    offered |= {validators_macro("package_default", name.replace("_", "-")) for name in refused}
    assert [name for name in sorted(offered) if package_name_check(name)] == []
