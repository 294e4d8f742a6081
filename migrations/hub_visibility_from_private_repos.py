"""Migration to 0.2.0: the answer `private_repos` (true/false) became `hub_visibility`.

Copier runs this before it renders the new template version (see `_migrations` in copier.yml),
in the project's root, with the answers file's path as the only argument. It rewrites that one
answer in place, so the new version is rendered with `hub_visibility: private` for
`private_repos: true` and `hub_visibility: public` for `private_repos: false`. Every other line
of the answers file is kept as it is. Running it again, or on a project without the old answer,
changes nothing.

    python migrations/hub_visibility_from_private_repos.py .copier-answers.yml
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

import yaml

OLD = "private_repos"
NEW = "hub_visibility"
OLD_LINE = re.compile(rf"^{OLD}:.*(?:\n|$)", re.MULTILINE)


class MigrationError(Exception):
    """The answers file cannot be migrated; the message says which answer and how to fix it."""


def migrate(text: str, source: str = ".copier-answers.yml") -> str:
    """The answers file `text` with `private_repos` replaced by the matching `hub_visibility`."""
    answers: Any = yaml.safe_load(text) or {}
    if not isinstance(answers, dict):
        raise MigrationError(f"{source} is not a mapping of answers; restore it from git.")
    if OLD not in answers:
        return text
    private = answers[OLD]
    if not isinstance(private, bool):
        raise MigrationError(
            f"{source}: {OLD} is {private!r}, expected true or false; set it to one of them "
            "and run the update again."
        )
    if len(OLD_LINE.findall(text)) != 1:
        raise MigrationError(
            f"{source}: expected {OLD} on one line of its own at the top level; write it as "
            f"'{OLD}: true' or '{OLD}: false' and run the update again."
        )
    # An answers file that already has the new answer keeps it: it was given for this version.
    replacement = "" if NEW in answers else f"{NEW}: {'private' if private else 'public'}\n"
    migrated = OLD_LINE.sub(replacement, text)
    expected = {k: v for k, v in answers.items() if k != OLD}
    expected.setdefault(NEW, "private" if private else "public")
    if yaml.safe_load(migrated) != expected:
        raise MigrationError(f"{source}: could not rewrite {OLD}; replace it by hand with {NEW}.")
    return migrated


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("answers_file", type=Path, help="the project's Copier answers file")
    args = parser.parse_args(argv)
    path: Path = args.answers_file
    if not path.is_file():
        print(f"error: no answers file at {path}; run this from the project root.", file=sys.stderr)
        return 1
    text = path.read_text(encoding="utf-8")
    try:
        migrated = migrate(text, str(path))
    except MigrationError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if migrated == text:
        print(f"{path}: no {OLD} answer, nothing to migrate.")
        return 0
    path.write_text(migrated, encoding="utf-8")
    new_value = yaml.safe_load(migrated)[NEW]
    print(f"{path}: replaced {OLD} by {NEW}: {new_value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
