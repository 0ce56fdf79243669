"""Duplicate a Hugging Face Space into your account, then connect to the copy.

  %gradio duplicate abidlabs/whisper
  %gradio duplicate abidlabs/whisper --to my-whisper --hardware t4-small --name whisper
  %gradio duplicate abidlabs/whisper --secret OPENAI_API_KEY     # the value is asked

First the plan is shown (target, created or re-used, hardware, sleep time, a billing note for
paid hardware) and you are asked to confirm: nothing is created before you answer y (or pass
--yes). Then the Space is duplicated (an existing copy is re-used), built, and connected as
with `%gradio connect` (bound to --name VAR, default client). Needs a Hugging Face token:
--token (without a value: asked), HF_TOKEN or your saved login. Secrets given without a value
are asked (not echoed).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from .._parsing import ASK, parse_pairs
from .._shared import user_errors
from .connect import add_token_argument, resolve_secret

if TYPE_CHECKING:
    from .._magics import GradioMagics

NAME = "duplicate"
SUMMARY = "duplicate a Space into your account (after showing the plan), then connect"
CELL = None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("from_id", metavar="FROM", help="the Space to duplicate (owner/name)")
    parser.add_argument("--to", metavar="ID",
                        help="the new Space: name or owner/name (default: yours/<same name>)")
    parser.add_argument("--hardware", metavar="H", help="e.g. cpu-basic, t4-small (default: the source's)")
    parser.add_argument("--public", action="store_true", help="make the copy public (default: private)")
    parser.add_argument("--sleep-timeout", type=int, default=5, metavar="MIN",
                        help="minutes of inactivity before paid hardware sleeps (default: 5)")
    parser.add_argument("--secret", action="append", default=[], metavar="NAME[=VALUE]",
                        help="a Space secret (repeatable); without a value it is asked")
    add_token_argument(parser)
    parser.add_argument("--name", "-n", metavar="VAR", help="variable to bind the Client to (default: client)")
    parser.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    parser.add_argument("--no-forms", action="store_true", help="do not show the forms")


def run(magics: GradioMagics, args: argparse.Namespace, cell: str | None) -> None:
    from IPython.core.error import UsageError

    from gradio_nb.client import _spaces

    name = magics.variable(args.name)
    secrets: dict[str, Any] = parse_pairs(args.secret, "--secret")
    for key, value in secrets.items():
        if value is ASK:
            secrets[key] = magics.ask_secret(f"Value of the secret {key}: ")
    given = resolve_secret(magics, args.token, "Hugging Face token: ")
    magics.warn_if_in_cell({"token": given if args.token is not ASK else None})
    with user_errors():
        token = _spaces.resolve_token(_spaces.pick_token(given, None))
    if token is None:
        raise UsageError(
            "duplicating a Space needs a Hugging Face token: log in (`hf auth login`), set "
            "HF_TOKEN, or pass --token (without a value to be asked)."
        )
    with user_errors():
        plan = _spaces.plan_duplicate(
            args.from_id, args.to, token=token, hardware=args.hardware, private=not args.public,
            secrets=secrets or None, sleep_timeout=args.sleep_timeout,
        )
    print(plan.describe())
    if not args.yes and not magics.confirm(f"Duplicate {plan.from_id} to {plan.to_id}? [y/N] "):
        print("Cancelled: nothing was created.")
        return
    with user_errors():
        space_id = _spaces.duplicate_space(
            plan.from_id, plan.to_id, token=token, private=plan.private, hardware=plan.hardware,
            secrets=secrets or None, sleep_timeout=args.sleep_timeout,
            on_progress=print if magics.verbose else None,
        )
    client = magics.connect(space_id, token=token)
    del token, secrets
    magics.bind(name, client)
    magics.say(f"Bound to `{name}`.")
    if magics.show_forms and not args.no_forms:
        magics.show_client(client)
