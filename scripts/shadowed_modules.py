"""Write ``includes/shadowed_modules.jinja``: the names a rendered package must not take,
and the distribution names a rendered project must not take.

A package named like a module that the project, its dependencies or Python itself imports
shadows that module once ``src/`` is on ``sys.path``: a package called ``platform`` breaks
``import torch``, one called ``yaml`` breaks PyYAML, one called ``hub_testing`` breaks the
rendered tests. The list is the union of

- the standard library of every supported Python (``sys.stdlib_module_names``),
- the top-level modules of the rendered project's dependencies and their dependencies, as
  installed in the environment that runs this script (the template's test environment),
- the project's own modules: tests, tools and the noxfile, and the package's modules too,
  which are top-level when a stage runs as a script (``python src/<package>/app.py``),
- a few libraries that users add to such projects (``EXTRA``).

A project named like a distribution it depends on, directly or not (``datasets``, ``torch``),
depends on itself, which installers refuse: those names are written out as well, for the slug.

Run it after changing the rendered dependencies or adding a rendered test module, in the
template's test environment::

    python scripts/shadowed_modules.py              # rewrite the file
    python scripts/shadowed_modules.py --check      # exit 1 when the file is out of date
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import textwrap
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "template"
OUTPUT = ROOT / "includes" / "shadowed_modules.jinja"
PYTHONS = ("python3.11", "python3.12", "python3.13")
PACKAGE = re.compile(r"^[a-z][a-z0-9_]*$")  # what the package_name validator lets through
# Folders at the project's root that tools import from or treat as packages.
PROJECT_FOLDERS = ("src", "tests", "tools")
EXTRA = ("evaluate", "peft", "trl", "wandb", "mlflow", "trackio", "optimum", "onnx", "onnxruntime")


def standard_library() -> set[str]:
    names = {*sys.stdlib_module_names, "test"}  # the library's own tests are not listed
    for python in PYTHONS:
        found = shutil.which(python)
        if found:
            listed = subprocess.run(
                [found, "-c", "import sys; print(*sys.stdlib_module_names)"],
                capture_output=True,
                text=True,
                check=False,
            )
            names |= set(listed.stdout.split())
    return names


def rendered_requirements() -> list[str]:
    """The runtime dependencies and the dev group of the rendered pyproject.toml."""
    text = (TEMPLATE / "pyproject.toml.jinja").read_text(encoding="utf-8")
    found: list[str] = []
    for block in ("dependencies = [", "dev = ["):
        body = text.split(block, 1)[1].split("]", 1)[0]
        found += re.findall(r'"([^"]+)"', body)
    return found


def dependency_closure(requirements: list[str]) -> set[str]:
    """Installed distributions that the requirements pull in, extras left out."""
    seen: set[str] = set()
    todo = [Requirement(r) for r in requirements]
    while todo:
        requirement = todo.pop()
        if requirement.marker and not requirement.marker.evaluate({"extra": ""}):
            continue
        name = canonicalize_name(requirement.name)
        if name in seen:
            continue
        try:
            distribution = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        seen.add(name)
        todo += [Requirement(r) for r in distribution.requires or []]
    return seen


def dependency_modules(distributions: set[str]) -> set[str]:
    modules: set[str] = set()
    for module, owners in metadata.packages_distributions().items():
        if any(canonicalize_name(owner) in distributions for owner in owners):
            modules.add(module)
    return modules


def project_modules() -> set[str]:
    """Top-level modules of the rendered project besides its package, by rendered name."""
    names = {"noxfile", *PROJECT_FOLDERS}
    for folder in (TEMPLATE / "tests", TEMPLATE / "tools", TEMPLATE / "src" / "{{package_name}}"):
        for path in folder.iterdir():
            name = path.name.removesuffix(".jinja")
            name = re.sub(r"\{%[^%]*%\}", "", name)  # "{% if x %}deploy.py{% endif %}"
            if name.endswith(".py"):
                names.add(name.removesuffix(".py"))
    names |= {p.name for p in (TEMPLATE / "tools" / "local-hub" / "src").iterdir() if p.is_dir()}
    return names


def shadowed_modules() -> list[str]:
    requirements = rendered_requirements()
    names = standard_library() | project_modules() | set(EXTRA)
    names |= dependency_modules(dependency_closure(requirements))
    # A case-insensitive file system lets a package "pil" shadow "PIL".
    return sorted({name.lower() for name in names})


def dependency_distributions() -> list[str]:
    """The distributions the rendered project installs, and those users often add."""
    return sorted(dependency_closure(rendered_requirements()) | set(EXTRA))


def jinja_list(name: str, values: list[str]) -> str:
    items = textwrap.fill(
        ", ".join(f"'{value}'" for value in values),
        width=100,
        initial_indent="    ",
        subsequent_indent="    ",
        break_on_hyphens=False,
    )
    return f"{{%- set {name} = [\n{items}] -%}}\n"


def render(names: list[str], distributions: list[str]) -> str:
    usable = [name for name in names if PACKAGE.match(name)]
    return (
        "{#- Written by scripts/shadowed_modules.py: module names a rendered package must not\n"
        "    take (the standard library, the dependencies' modules, the project's own), and the\n"
        "    distributions a rendered project installs, whose names its slug must not take. -#}\n"
        + jinja_list("shadowed_modules", usable)
        + jinja_list("dependency_distributions", distributions)
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="only compare with the file")
    args = parser.parse_args()
    text = render(shadowed_modules(), dependency_distributions())
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT.relative_to(ROOT)} is out of date: run {Path(__file__).name}")
            return 1
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
