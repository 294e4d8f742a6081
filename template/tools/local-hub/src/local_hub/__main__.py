"""Command line: `python -m local_hub --root DIR [--host H] [--port P] [--url-file F]`."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .server import LocalHub, serve


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m local_hub",
        description=(
            "A local Hugging Face Hub-compatible server. Point clients at it with "
            "HF_ENDPOINT=<printed URL>. Prints its base URL on stdout once ready; "
            "stops cleanly on SIGTERM or Ctrl-C."
        ),
    )
    parser.add_argument(
        "--root",
        type=Path,
        required=True,
        help="folder holding the server state (created if missing; reused on restart)",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=0, help="port to bind; 0 picks a free port (default: 0)"
    )
    parser.add_argument("--url-file", type=Path, help="also write the base URL to this file")
    parser.add_argument(
        "--user",
        default="local-user",
        help="name of the user every token acts as (default: local-user)",
    )
    parser.add_argument(
        "--token",
        action="append",
        default=[],
        metavar="VALUE",
        help="accept only this bearer token as the user (repeatable; default: any token)",
    )
    parser.add_argument(
        "--read-token",
        action="append",
        default=[],
        metavar="VALUE",
        help="accept this bearer token as the user for reading only (repeatable)",
    )
    parser.add_argument(
        "--oidc-subject-token",
        metavar="VALUE",
        help="require this subject token in trusted-publishing exchanges (default: any)",
    )
    parser.add_argument(
        "--quiet", action="store_true", help="log only warnings and errors on stderr"
    )
    parser.add_argument("--version", action="version", version=f"local-hub {__version__}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING if args.quiet else logging.INFO,
        format="%(asctime)s %(levelname)s %(message)s",
        stream=sys.stderr,
    )
    if not 0 <= args.port <= 65535:
        print(f"error: --port {args.port} is out of range 0-65535", file=sys.stderr)
        return 2
    hub = LocalHub(
        args.root,
        host=args.host,
        port=args.port,
        user=args.user,
        tokens=args.token,
        read_tokens=args.read_token,
        oidc_subject_token=args.oidc_subject_token,
    )
    try:
        serve(hub, args.url_file)
    except OSError as error:
        print(f"error: cannot serve on {args.host}:{args.port}: {error.strerror}", file=sys.stderr)
        return 1
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
