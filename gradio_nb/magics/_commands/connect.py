"""Connect to a Gradio app or a Hugging Face Space, bind the Client to VAR and show its forms.

  %gradio connect http://127.0.0.1:7860/
  %gradio connect abidlabs/whisper --name whisper
  %gradio connect https://my.app/ --auth alice           # the password is asked, not echoed
  %gradio connect owner/private-space --token            # the token is asked, not echoed
  %gradio connect https://my.app/ --header "X-Api-Key=$api_key"

Secrets: give them without a value to be asked for them (getpass: never echoed, never in the
notebook), or through a $variable. The token defaults to HF_TOKEN or your saved Hugging Face
login. No secret is printed, shown in the forms or recorded in `%gradio history`.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from .._parsing import ASK, parse_auth, parse_headers

if TYPE_CHECKING:
    from .._magics import GradioMagics

NAME = "connect"
SUMMARY = "connect to an app or Space, bind the Client to VAR and show its forms"
CELL = None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("src", metavar="SRC", help="app URL (http://host:port/) or Space id (owner/name)")
    parser.add_argument("--name", "-n", metavar="VAR",
                        help="variable to bind the Client to (default: GradioMagics.default_name, 'client')")
    add_token_argument(parser)
    parser.add_argument("--auth", metavar="USER[:PASS]",
                        help="log in to a password-protected app; without :PASS the password is asked")
    parser.add_argument("--header", "-H", action="append", default=[], metavar="K=V",
                        help="an HTTP header sent with every request (repeatable)")
    downloads = parser.add_mutually_exclusive_group()
    downloads.add_argument("--download-dir", metavar="D",
                           help="folder for downloaded output files (default: GradioMagics.download_dir)")
    downloads.add_argument("--no-download", action="store_true",
                           help="keep output files on the server (results hold their URLs)")
    parser.add_argument("--no-forms", action="store_true", help="do not show the forms")


def add_token_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--token", nargs="?", const=ASK, metavar="T",
                        help="Hugging Face token (private Spaces); without a value it is asked. "
                             "Default: HF_TOKEN or your saved login")


def run(magics: GradioMagics, args: argparse.Namespace, cell: str | None) -> None:
    name = magics.variable(args.name)
    headers = parse_headers(args.header)
    options: dict[str, Any] = {}
    if headers:
        options["headers"] = headers
    if args.no_download:
        options["download_files"] = False
    elif args.download_dir:
        options["download_files"] = args.download_dir
    token = resolve_secret(magics, args.token, "Hugging Face token: ")
    if token is not None:
        options["token"] = token
    if args.auth is not None:
        user, password = parse_auth(args.auth)
        if password is ASK:
            password = magics.ask_secret(f"Password for {user} at {args.src}: ")
        options["auth"] = (user, password)
    magics.warn_if_in_cell({
        "token": token if args.token is not ASK else None,
        "password": options["auth"][1] if "auth" in options and ":" in args.auth else None,
        **{f"{k} header": v for k, v in headers.items()},
    })
    client = magics.connect(args.src, **options)
    del options, token
    magics.bind(name, client)
    magics.say(f"Bound to `{name}`.")
    if magics.show_forms and not args.no_forms:
        magics.show_client(client)


def resolve_secret(magics: GradioMagics, value: Any, prompt: str) -> Any:
    """The option's value; asked (not echoed) when the option was given without one."""
    if value is ASK:
        return magics.ask_secret(prompt)
    return value
