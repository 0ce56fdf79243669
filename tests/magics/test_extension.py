"""Loading, help, dispatch errors and settings: no server needed."""

from __future__ import annotations

import pytest
from IPython.core.error import UsageError

from gradio_nb.magics._magics import GradioMagics


def magics_of(shell):
    return [c for c in shell.configurables if isinstance(c, GradioMagics)]


def test_load_ext_registers_line_and_cell_magic(ip):
    assert "gradio" in ip.magics_manager.magics["line"]
    assert "gradio" in ip.magics_manager.magics["cell"]
    assert len(magics_of(ip)) == 1


def test_loading_twice_keeps_one_instance(ip):
    import gradio_nb

    gradio_nb.load_ipython_extension(ip)
    assert len(magics_of(ip)) == 1


def test_unload_removes_the_magic_and_its_settings(ip):
    ip.run_line_magic("unload_ext", "gradio_nb")
    assert "gradio" not in ip.magics_manager.magics["line"]
    assert "gradio" not in ip.magics_manager.magics["cell"]
    assert magics_of(ip) == []
    ip.run_line_magic("load_ext", "gradio_nb")
    assert "gradio" in ip.magics_manager.magics["line"]


def test_help(run):
    _, out = run("--help")
    assert "usage: %gradio" in out.stdout
    for command in ("connect", "view", "predict", "jobs", "history", "reset", "close", "duplicate"):
        assert command in out.stdout
    _, bare = run("")
    assert bare.stdout == out.stdout


@pytest.mark.parametrize("command", ["connect", "view", "jobs", "history", "reset", "close", "duplicate", "predict"])
def test_per_command_help(run, command):
    value, out = run(f"{command} --help")
    assert value is None
    assert f"usage: %gradio {command}" in out.stdout
    assert "--help" in out.stdout


def test_cell_magic_help(run):
    _, out = run("predict --help", cell="a = 1")
    assert "What is evaluated" in out.stdout


def test_question_mark_help_is_the_same_text(ip):
    assert "usage: %gradio" in ip.magics_manager.magics["line"]["gradio"].__doc__


def test_unknown_command_is_a_usage_error_with_a_suggestion(ip):
    with pytest.raises(UsageError, match="Did you mean `connect`"):
        ip.run_line_magic("gradio", "conect http://x/")
    with pytest.raises(UsageError, match="unknown %gradio command 'frobnicate'"):
        ip.run_line_magic("gradio", "frobnicate")


@pytest.mark.parametrize(
    "line",
    [
        "connect",  # SRC missing
        "connect http://x/ --bogus",
        "connect http://x/ --name 1abc",
        "connect http://x/ --header novalue",
        "connect http://x/ --header =v",
        "connect http://x/ --auth :pw",
        "connect http://x/ --download-dir d --no-download",
        'connect "http://x/',
        "--frob",
        "close client --all",
        "duplicate",
        "duplicate a/b --sleep-timeout soon",
    ],
)
def test_mistakes_are_usage_errors(ip, line):
    with pytest.raises(UsageError):
        ip.run_line_magic("gradio", line)


def test_usage_errors_show_no_traceback(ip, capsys):
    ip.run_cell("%gradio conect x")
    captured = capsys.readouterr()
    text = captured.out + captured.err
    assert "UsageError" in text and "Traceback" not in text


def test_commands_needing_a_client_say_how_to_connect(ip):
    for line in ("view", "reset", "close"):
        with pytest.raises(UsageError, match="connect first with `%gradio connect SRC`"):
            ip.run_line_magic("gradio", line)
    with pytest.raises(UsageError, match="--name app"):
        ip.run_line_magic("gradio", "view app")
    ip.user_ns["not_a_client"] = 42
    with pytest.raises(UsageError, match="is a int, not a gradio_nb Client"):
        ip.run_line_magic("gradio", "view not_a_client")


def test_cell_body_only_for_predict(ip):
    with pytest.raises(UsageError, match="takes no cell body"):
        ip.run_cell_magic("gradio", "jobs", "x = 1")


def test_config(ip):
    ip.run_line_magic("config", 'GradioMagics.default_name = "app"')
    ip.run_line_magic("config", "GradioMagics.show_forms = False")
    ip.run_line_magic("config", 'GradioMagics.download_dir = "/tmp/dl"')
    ip.run_line_magic("config", "GradioMagics.verbose = False")
    (magics,) = magics_of(ip)
    assert (magics.default_name, magics.show_forms, magics.download_dir, magics.verbose) == ("app", False, "/tmp/dl", False)
    with pytest.raises(UsageError, match="`app`"):  # the default VAR follows the setting
        ip.run_line_magic("gradio", "view")


def test_config_lists_the_settings(ip, capsys):
    ip.run_line_magic("config", "GradioMagics")
    out = capsys.readouterr().out
    for name in ("default_name", "download_dir", "show_forms", "verbose", "space_timeout"):
        assert f"GradioMagics.{name}" in out


def test_config_rejects_a_bad_default_name(ip):
    (magics,) = magics_of(ip)
    from traitlets import TraitError

    with pytest.raises(TraitError):
        magics.default_name = "not a name"


def test_config_set_before_loading_applies(shell):
    shell.run_line_magic("config", 'GradioMagics.default_name = "early"')
    try:
        shell.run_line_magic("load_ext", "gradio_nb")
        (magics,) = magics_of(shell)
        assert magics.default_name == "early"
    finally:
        shell.run_line_magic("unload_ext", "gradio_nb")
        shell.config.pop("GradioMagics", None)
