"""What every stage's command line shares: one-line errors and a nonzero exit on bad input."""

from __future__ import annotations

import argparse
import logging
import os
import re
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn


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


def counted(number: int, noun: str) -> str:
    """`number` and `noun`, plural unless it is one: "1 row", "2 rows"."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def shorten(text: str, width: int = 40) -> str:
    """`text`, cut to `width` characters with an ellipsis: a value quoted in an error line."""
    return text if len(text) <= width else text[: width - 3] + "..."


class ArgumentParser(argparse.ArgumentParser):
    """An argparse parser whose errors are one line, like every other error of the stages."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A value such as -1e-3 is a number, for its option's check to refuse with a reason;
        # before Python 3.13, argparse took it for an unknown option ("expected one argument").
        self._negative_number_matcher = re.compile(r"^-(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")

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
    """Parse `argv`, run `stage` and turn a `UsageError` into one line on stderr and exit code 2.

    A stage stopped by Ctrl-C or SIGTERM (a cancelled workflow, `timeout`, `docker stop`)
    unwinds as an exception does, so that it leaves no staging or temporary folder behind,
    and ends with one line and exit code 130.
    """
    args = parser.parse_args(argv)
    for name, value in vars(args).items():  # "~" that the shell left as it is (--dir=~/x)
        if isinstance(value, Path):
            setattr(args, name, value.expanduser())
    SAID.clear()
    quiet_hub_retries()
    if not sys.stderr.isatty():
        hide_progress_bars()
    try:
        with sigterm_as_interrupt():
            check_defaults(parser, args)
            stage(args)
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        write_summary(parser.prog, "failed", [*SAID, f"error: {error}"])
        return 2
    except KeyboardInterrupt:
        stopped = (
            "stopped before the end; run it again to finish (no folder is left half-written, "
            "and a publish it began is completed)"
        )
        print(f"error: {stopped}", file=sys.stderr)
        write_summary(parser.prog, "stopped", [*SAID, f"error: {stopped}"])
        return 130
    write_summary(parser.prog, "", SAID)
    return 0


class HubRetryNotices(logging.Filter):
    """Turns huggingface_hub's notices of the retries of a request ("'...' thrown while
    requesting GET ...", "Retrying in 2s [Retry 2/5].") into one line, the first time, that
    says what the stage is waiting for: a Hub that went away mid-run gave a dozen of them
    before the one line that says so, and without any it was a silent minute. The retries
    still happen, and what the Hub itself warns of, or a wait for a rate limit, is still said."""

    NOTICES = (" thrown while requesting ", "Retrying in ", "Error while downloading from ")
    WAITING = "warning: waiting for the Hub ({}): asking again a few times before giving up"

    def __init__(self) -> None:
        super().__init__()
        self.said = False

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if not any(notice in message for notice in self.NOTICES):
            return True
        if self.said or message.startswith("Retrying in ") or "Max retries exceeded" in message:
            return False
        self.said = True
        record.msg, record.args = self.WAITING.format(shorten(self.reason(record), 80)), None
        return True

    @staticmethod
    def reason(record: logging.LogRecord) -> str:
        """What went wrong, without the URL: "HTTP Error 503", or the client's error."""
        if isinstance(record.args, tuple) and len(record.args) == 2:  # Error while downloading
            return first_line(Exception(record.args[1]))
        said = record.getMessage().split(" thrown while requesting ")[0]
        return said[1:-1] if said.startswith("'") and said.endswith("'") else said


HUB_RETRIES = HubRetryNotices()  # one for both loggers, so that the line is said once a run


def quiet_hub_retries() -> None:
    """Install HUB_RETRIES where huggingface_hub logs its retries (before or after it is
    imported: a logger is made by its name), ready to say once in this run that a stage waits."""
    HUB_RETRIES.said = False
    for name in ("huggingface_hub.utils._http", "huggingface_hub.file_download"):
        logger = logging.getLogger(name)
        if HUB_RETRIES not in logger.filters:
            logger.addFilter(HUB_RETRIES)


PROGRESS_BARS_OFF = "HF_HUB_DISABLE_PROGRESS_BARS"  # huggingface_hub's, and the stages' switch


def hide_progress_bars() -> None:
    """Have the Hugging Face libraries draw no progress bars, in this process and those it
    starts, unless the environment asks for them. Off a terminal (a workflow's log, an HF Job's,
    a file) every redraw of a bar is a line of its own: thousands in one training. The
    libraries read their settings when first imported, which the stages do late; train_model
    asks the Trainer for no bar either (progress_bars_off) and prints how far it got instead."""
    off = os.environ.setdefault(PROGRESS_BARS_OFF, "1")  # huggingface_hub and transformers
    os.environ.setdefault("HF_DATASETS_DISABLE_PROGRESS_BARS", off)  # one switch for all
    if not progress_bars_off():
        return
    # A library imported before the stage ran (a stage called from Python) read them already.
    if "huggingface_hub" in sys.modules:
        from huggingface_hub.utils.tqdm import disable_progress_bars

        disable_progress_bars()
    if "transformers" in sys.modules:
        from transformers.utils import logging as transformers_logging

        disable: Any = transformers_logging.disable_progress_bar  # untyped
        disable()
    if "datasets" in sys.modules:
        import datasets

        datasets.disable_progress_bars()


def progress_bars_off() -> bool:
    """Whether HF_HUB_DISABLE_PROGRESS_BARS turns the bars off, as huggingface_hub reads it."""
    return os.environ.get(PROGRESS_BARS_OFF, "").upper() in {"1", "ON", "YES", "TRUE"}


# What the running stage said (see say); run() starts each stage with none.
SAID: list[str] = []
URL = re.compile(r"https?://[^\s<>]*[^\s<>.,;:)]")


def say(text: str) -> None:
    """Print an outcome of the stage: what it wrote, published or decided, as opposed to its
    progress. In a workflow step, the outcomes also go to the run's page (see write_summary)."""
    print(text, flush=True)
    SAID.append(text)


def write_summary(stage: str, ending: str, said: Sequence[str]) -> None:
    """Append what a stage said to $GITHUB_STEP_SUMMARY, the Markdown that GitHub shows on a
    workflow run's page: a heading naming the stage (and `ending`, when it did not finish), the
    lines verbatim in a fenced block, so that tables keep their columns, and each URL in them
    as a link."""
    if not said:
        return
    text = "\n".join(said)
    longest = max((len(ticks) for ticks in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)  # longer than any run of backticks in the text
    heading = f"### {stage}" + (f" {ending}" if ending else "")
    links = [f"- <{url}>" for url in dict.fromkeys(URL.findall(text))]
    append_summary("\n".join([heading, "", f"{fence}text", text, fence, "", *links]))


def append_summary(markdown: str) -> None:
    """Append Markdown to $GITHUB_STEP_SUMMARY, when a workflow step runs this stage."""
    if markdown.strip():
        append_to("GITHUB_STEP_SUMMARY", markdown.rstrip() + "\n\n")


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Raise KeyboardInterrupt on SIGTERM, as on Ctrl-C, while the block runs (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def uninterrupted() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM while the block runs, for steps that must not stop half way (a
    tag deleted and not yet created again); a signal that came meanwhile acts when it ends."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []

    def hold(signum: int, frame: object) -> None:
        held.append(signum)

    previous = {number: signal.signal(number, hold) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, signal.SIG_DFL if handler is None else handler)
        if held:
            signal.raise_signal(held[0])


def check_defaults(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Check the defaults that config.py gives the options as the options check their values.

    argparse passes only a default that is a string through its option's type, and checks no
    default against the choices, so a value edited into config.py (epochs = 0, a test share of
    0.85, a misspelt choice) would reach the stage unchecked. An option given on the command
    line replaces its default and was checked as it was parsed.
    """
    for action in parser._actions:  # argparse lists its options nowhere public
        default = action.default
        given = getattr(args, action.dest, None) is not default
        if not action.option_strings or default is None or given:
            continue
        problem = None
        if callable(action.type) and not isinstance(default, str):
            try:
                action.type(str(default))
            except (argparse.ArgumentTypeError, TypeError, ValueError) as error:
                problem = str(error)
        if problem is None and action.choices is not None and default not in action.choices:
            problem = f"it is not one of {', '.join(map(str, action.choices))}"
        if problem:
            option = action.option_strings[-1]
            raise UsageError(
                f"config.py gives {option} the default {default!r}, which it refuses "
                f"({problem}): fix it in config.py, or pass {option}"
            )


def write_outputs(**values: str) -> None:
    """Append `key=value` lines to $GITHUB_OUTPUT when a workflow step runs this stage.

    Workflows (and the offline rehearsal) read published tags and commits from there.
    """
    append_to("GITHUB_OUTPUT", "".join(f"{key}={value}\n" for key, value in values.items()))


def append_to(variable: str, text: str) -> None:
    """Append `text` to the file that a workflow step names in `variable`, if it names one."""
    path = os.environ.get(variable)
    if path:
        with Path(path).open("a", encoding="utf-8") as handle:
            handle.write(text)
