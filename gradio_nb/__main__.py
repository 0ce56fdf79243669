"""The ``gradio-nb`` command (also ``python -m gradio_nb``).

    gradio-nb demo [--port P] [--lab-port Q] [--no-browser] [--dir DIR] [--reset] [--app-only]
        Start the bundled demo Gradio app on 127.0.0.1, wait until it answers, then run
        JupyterLab on the quickstart notebook (the app's URL is in GRADIO_NB_DEMO_URL).
        Ctrl-C stops both.
    gradio-nb kernelspec install [--user | --sys-prefix | --prefix P] [--name N] [--display-name D]
        Install a Jupyter kernel that loads gradio_nb at start (``--ext gradio_nb``): the
        ``%gradio`` magics work without ``%load_ext``. An existing kernelspec of that name that
        gradio-nb did not install is never replaced.
    gradio-nb kernelspec uninstall [--user | --sys-prefix | --prefix P] [--name N]
    gradio-nb kernelspec show
        Print the kernel.json that ``install`` would write.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import secrets
import shutil
import signal
import sys
import tempfile
from pathlib import Path
from typing import Iterator, Sequence

from . import __version__
from .demo import NOTEBOOKS, URL_ENV
from .demo._process import (
    ChildProcess, ProcessError, free_port, loopback_env, port_is_free, start_app, wait_any,
)

__all__ = ["main"]

DEFAULT_KERNEL_NAME = "gradio_nb"
DEFAULT_DISPLAY_NAME = "Python 3 (gradio_nb)"
MARKER = "gradio_nb"  # key in kernel.json "metadata": kernelspecs gradio-nb may replace


class CommandError(Exception):
    """A problem the user can fix; printed without a traceback, exit status 2."""


# --------------------------------------------------------------------------- helpers
def _require(module: str, why: str, package: str | None = None) -> None:
    if importlib.util.find_spec(module) is None:
        raise CommandError(f"{why} needs {package or module}, which is not installed in "
                           f"{sys.prefix}: pip install {package or module}")


def _pick_port(port: int | None, what: str) -> int:
    if port is None:
        return free_port()
    if not port_is_free(port):
        raise CommandError(f"port {port} for {what} is in use on 127.0.0.1; choose another one")
    return port


def _has_display() -> bool:
    return sys.platform in ("darwin", "win32") or bool(
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """`kill <pid>` stops the demo as cleanly as Ctrl-C does."""
    def handler(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


# --------------------------------------------------------------------------- demo
def default_demo_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "gradio-nb" / "demo"


def copy_notebooks(target: Path, *, reset: bool = False) -> list[str]:
    """Copy the bundled notebooks into ``target``; a notebook already there is kept (it may
    hold the user's edits) unless ``reset``. Returns the names it kept."""
    target.mkdir(parents=True, exist_ok=True)
    kept = []
    for source in sorted(NOTEBOOKS.glob("*.ipynb")):
        dest = target / source.name
        if dest.exists() and not reset and dest.read_bytes() != source.read_bytes():
            kept.append(source.name)
            continue
        shutil.copyfile(source, dest)
    return kept


def lab_command(port: int, root: Path, token: str) -> list[str]:
    cmd = [
        sys.executable, "-m", "jupyterlab", "--no-browser",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--ServerApp.allow_root=True")  # containers often run as root
    return cmd


def run_demo(args: argparse.Namespace) -> int:
    _require("gradio", "`gradio-nb demo` runs the demo Gradio app, which")
    if not args.app_only:
        _require("jupyterlab", "`gradio-nb demo` runs JupyterLab, which")
    app_port = _pick_port(args.port, "the demo app")
    lab_port = None if args.app_only else _pick_port(args.lab_port, "JupyterLab")
    logs = Path(tempfile.mkdtemp(prefix="gradio-nb-demo-"))
    children: list[ChildProcess] = []
    with _sigterm_as_interrupt():
        try:
            print(f"Starting the demo Gradio app on http://127.0.0.1:{app_port}/ ...", flush=True)
            app = start_app(logs, port=app_port, record=args.record)
            children.append(app)
            print(f"Demo app:    {app.url}", flush=True)
            if not args.app_only:
                root = Path(args.dir).expanduser().resolve() if args.dir else default_demo_dir()
                kept = copy_notebooks(root, reset=args.reset)
                token = secrets.token_urlsafe(24)
                base = f"http://127.0.0.1:{lab_port}/"
                lab = ChildProcess("JupyterLab", lab_command(lab_port, root, token),
                                   loopback_env({URL_ENV: app.url}), logs / "jupyterlab.log", base)
                children.append(lab)
                lab.wait_http(base + "api/status", {"Authorization": f"token {token}"})
                url = f"{base}lab/tree/quickstart.ipynb?token={token}"
                print(f"Notebooks:   {root}" + (f"  (kept your edited {', '.join(kept)}; "
                                                "--reset restores them)" if kept else ""))
                print(f"JupyterLab:  {url}", flush=True)
                if _has_display() if args.browser is None else args.browser:
                    import webbrowser

                    webbrowser.open(url)
            print(f"Logs:        {logs}\nPress Ctrl-C to stop.", flush=True)
            gone = wait_any(children)
            print(f"\nThe {gone.name} exited with status {gone.proc.returncode}:\n{gone.tail()}",
                  file=sys.stderr)
            return 1
        except ProcessError as exc:
            raise CommandError(str(exc)) from None
        except KeyboardInterrupt:
            print("\nStopping ...", flush=True)
            return 0
        finally:
            for child in reversed(children):
                child.stop()
            if children:
                print("Stopped the demo app" + (" and JupyterLab." if len(children) > 1 else "."))


# --------------------------------------------------------------------------- kernelspec
def kernel_dict(display_name: str = DEFAULT_DISPLAY_NAME) -> dict:
    """ipykernel's own kernel.json for this Python, plus ``--ext gradio_nb``."""
    from ipykernel.kernelspec import get_kernel_dict

    spec = get_kernel_dict()
    spec["argv"] = [*spec["argv"], "--ext", "gradio_nb"]
    spec["display_name"] = display_name
    spec.setdefault("metadata", {})[MARKER] = {"version": __version__}
    return spec


def _kernels_dir(args: argparse.Namespace) -> Path:
    if args.prefix:
        return Path(args.prefix).expanduser().resolve() / "share" / "jupyter" / "kernels"
    if args.user:
        from jupyter_core.paths import jupyter_data_dir

        return Path(jupyter_data_dir()) / "kernels"
    return Path(sys.prefix) / "share" / "jupyter" / "kernels"  # --sys-prefix (the default)


def _ours(kernel_dir: Path) -> bool:
    try:
        spec = json.loads((kernel_dir / "kernel.json").read_text())
    except (OSError, ValueError):
        return False
    return isinstance(spec.get("metadata"), dict) and MARKER in spec["metadata"]


def _check_name(name: str) -> str:
    import re

    if not re.fullmatch(r"[a-zA-Z0-9._-]+", name):
        raise CommandError(f"invalid kernel name {name!r}: use letters, digits, '.', '_' and '-'")
    return name.lower()  # Jupyter lower-cases kernel names


def kernelspec_install(args: argparse.Namespace) -> int:
    _require("ipykernel", "`gradio-nb kernelspec install`")
    name = _check_name(args.name)
    if name == "python3":
        raise CommandError("'python3' is Jupyter's default Python kernel: gradio-nb does not "
                           "replace it. Choose another --name.")
    target = _kernels_dir(args) / name
    if target.exists() and not _ours(target):
        raise CommandError(f"{target} exists and was not installed by gradio-nb; it is left "
                           "alone. Choose another --name.")
    updating = target.exists()
    target.mkdir(parents=True, exist_ok=True)
    import ipykernel

    resources = Path(ipykernel.__file__).parent / "resources"
    for logo in resources.glob("logo-*"):
        shutil.copyfile(logo, target / logo.name)
    (target / "kernel.json").write_text(json.dumps(kernel_dict(args.display_name), indent=1) + "\n")
    print(f"{'Updated' if updating else 'Installed'} kernelspec {name!r} in {target}")
    print(f"Choose \"{args.display_name}\" as the kernel: %gradio works without %load_ext gradio_nb.")
    return 0


def kernelspec_uninstall(args: argparse.Namespace) -> int:
    name = _check_name(args.name)
    target = _kernels_dir(args) / name
    if not target.exists():
        raise CommandError(f"no kernelspec {name!r} in {target.parent}")
    if not _ours(target):
        raise CommandError(f"{target} was not installed by gradio-nb; it is left alone")
    shutil.rmtree(target)
    print(f"Removed kernelspec {name!r} from {target.parent}")
    return 0


def kernelspec_show(args: argparse.Namespace) -> int:
    _require("ipykernel", "`gradio-nb kernelspec show`")
    print(json.dumps(kernel_dict(args.display_name), indent=1))
    return 0


# --------------------------------------------------------------------------- parser
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gradio-nb", description="gradio_nb: use Gradio apps from Python and Jupyter.")
    parser.add_argument("--version", action="version", version=f"gradio_nb {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    demo = commands.add_parser(
        "demo", help="run the demo Gradio app and JupyterLab on the quickstart notebook",
        description="Start the bundled demo Gradio app on 127.0.0.1, then JupyterLab on the "
                    f"quickstart notebook (the app's URL is in ${URL_ENV}). Ctrl-C stops both.")
    demo.add_argument("--port", type=int, help="demo app port (default: a free one)")
    demo.add_argument("--lab-port", type=int, help="JupyterLab port (default: a free one)")
    browser = demo.add_mutually_exclusive_group()
    browser.add_argument("--browser", dest="browser", action="store_true", default=None,
                         help="open JupyterLab in a web browser")
    browser.add_argument("--no-browser", dest="browser", action="store_false",
                         help="only print the URL (the default without a display)")
    demo.add_argument("--dir", help=f"folder for the notebooks (default: {default_demo_dir()})")
    demo.add_argument("--reset", action="store_true",
                      help="overwrite notebooks you changed in --dir with the bundled ones")
    demo.add_argument("--app-only", action="store_true", help="run the demo app only, no JupyterLab")
    demo.add_argument("--record", help="append the app's call record to this file (JSON lines)")
    demo.set_defaults(func=run_demo)

    spec = commands.add_parser("kernelspec", help="a Jupyter kernel that loads gradio_nb at start")
    spec_commands = spec.add_subparsers(dest="action", metavar="ACTION", required=True)
    for action, func, help_ in [
        ("install", kernelspec_install, "install (or update) the kernelspec"),
        ("uninstall", kernelspec_uninstall, "remove a kernelspec that gradio-nb installed"),
        ("show", kernelspec_show, "print the kernel.json that install would write"),
    ]:
        sub = spec_commands.add_parser(action, help=help_)
        if action != "show":
            where = sub.add_mutually_exclusive_group()
            where.add_argument("--user", action="store_true",
                               help="for the current user (Jupyter's user data dir)")
            where.add_argument("--sys-prefix", action="store_true",
                               help=f"in this Python environment, {sys.prefix} (the default)")
            where.add_argument("--prefix", help="under PREFIX/share/jupyter/kernels")
            sub.add_argument("--name", default=DEFAULT_KERNEL_NAME,
                             help=f"kernelspec name (default: {DEFAULT_KERNEL_NAME})")
        if action != "uninstall":
            sub.add_argument("--display-name", default=DEFAULT_DISPLAY_NAME,
                             help=f"name shown in Jupyter (default: {DEFAULT_DISPLAY_NAME!r})")
        sub.set_defaults(func=func)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except CommandError as exc:
        print(f"gradio-nb: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
