"""What every stage's command line shares: one-line errors and a nonzero exit on bad input."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn


class UsageError(Exception):
    """Bad input the user can fix. The message names the input and says how to fix it."""


def first_line(error: BaseException) -> str:
    """The first line of an error's message, or its type when it has none: the reason a
    one-line error gives for a library's multi-line one."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def listing(items: Sequence[str], limit: int = 5) -> str:
    """The first `limit` items and how many more, so that an error stays one readable line."""
    more = f" and {len(items) - limit} more" if len(items) > limit else ""
    return ", ".join(items[:limit]) + more


class ArgumentParser(argparse.ArgumentParser):
    """An argparse parser whose errors are one line, like every other error of the stages."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"error: {message} (see {self.prog} --help)\n")


def random_seed(value: str) -> int:
    """An argparse type for random seeds: numpy and torch take 0 to 2**32 - 1."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a whole number") from None
    if not 0 <= number < 2**32:
        raise argparse.ArgumentTypeError(f"{value} is not a seed from 0 to 2**32 - 1")
    return number


def run(
    parser: argparse.ArgumentParser,
    stage: Callable[[argparse.Namespace], None],
    argv: Sequence[str] | None,
) -> int:
    """Parse `argv`, run `stage` and turn a `UsageError` into one line on stderr and exit code 2."""
    args = parser.parse_args(argv)
    try:
        stage(args)
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


def write_outputs(**values: str) -> None:
    """Append `key=value` lines to $GITHUB_OUTPUT when a workflow step runs this stage.

    Workflows (and the offline rehearsal) read published tags and commits from there.
    """
    path = os.environ.get("GITHUB_OUTPUT")
    if path:
        with Path(path).open("a", encoding="utf-8") as handle:
            handle.writelines(f"{key}={value}\n" for key, value in values.items())
