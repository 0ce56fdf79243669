"""Our public surface against gradio_client 2.7.2's, so that drift is caught.

Every public name of the package (and of ``gradio_client.utils``/``.exceptions`` that user code
imports), of ``Client`` (class and connected instance), ``Job`` and ``StatusUpdate``; every
parameter of their methods (name, kind, position, default); every exception class and its
builtin bases. A gradio_client name we lack, or a parameter that differs, fails the test unless
it is listed below with the reason. Names we have and gradio_client lacks are fine (extras).
"""
from __future__ import annotations

import inspect

import gradio_client
import gradio_client.exceptions
import gradio_client.utils
import pytest

import gradio_nb
import gradio_nb.exceptions
import gradio_nb.utils
from gradio_nb import Client, Job, StatusUpdate

assert gradio_client.__version__ == "2.7.2", "the reference these lists were made against"

# gradio_client names we do not have, on purpose: name -> why.
ABSENT = {
    # Client internals of gradio_client's design: a thread pool and a stream thread per client,
    # a Communicator per job. gradio_nb runs everything on one event loop (DEVELOPERS.md).
    "Client.new_helper": "makes a Communicator (gradio_client's job <-> thread channel); none here",
    "Client.send_data": "raw queue/join POST of gradio_client's threads; use submit()",
    "Client.stream_messages": "gradio_client's SSE reader thread; ours is per session, internal",
    "Client.executor": "gradio_client's job thread pool; gradio_nb uses no thread per job",
    "Client.helper_executor": "thread pool (see executor)",
    "Client.stream_executor": "thread pool (see executor)",
    "Client.streaming_future": "the reader thread's future (see stream_messages)",
    "Client.stream_open": "reader thread state (see stream_messages)",
    "Client.stream_epoch": "reader thread state (see stream_messages)",
    "Client.pending_lock": "reader thread state (see stream_messages)",
    "Client.pending_event_ids": "reader thread state (see stream_messages)",
    "Client.pending_event_epoch": "reader thread state (see stream_messages)",
    "Client.pending_messages_per_event": "reader thread state (see stream_messages)",
    "Client.heartbeat": "gradio_client's heartbeat thread; ours is a task on the loop",
    "Client.heartbeat_url": "an internal URL of the heartbeat thread",
    "Client.api_url": "the Gradio 3 'api/predict/' URL, unused by Gradio 4+",
    "Client.sse_url": "internal queue/data URL (the session reader's)",
    "Client.sse_data_url": "internal queue/join URL",
    "Client.ws_url": "websocket URL of Gradio 3 apps, which gradio_nb does not support",
    "Client.reset_url": "internal URL of reset_session()",
    # Options and secrets not kept as attributes
    "Client.token": "a secret: kept inside the transport, never in a public attribute",
    "Client.oauth_token": "a secret, and accepted for compatibility only (unused)",
    "Client.cookies": "the login cookies are secrets; the transport keeps them",
    "Client.httpx_kwargs": "an option of the constructor, not kept as an attribute",
    "Client.ssl_verify": "an option of the constructor, not kept as an attribute",
    "Client.download_files": "an option of the constructor; output_dir says where files go",
    "Client.analytics_enabled": "gradio_nb sends no telemetry",
    # Job internals
    "Job.future": "our Job is itself the future (gradio_client's wraps one)",
    "Job.communicator": "gradio_client's job <-> thread channel",
    "Job.cancel_fn": "cancelling goes through the client (cancel isolation)",
    # gradio_client.utils / .exceptions classes that are its internals
    "utils.Message": "a TypedDict of gradio_client's internal messages",
    "utils.ServerMessage": "the enum of wire message names; ours are typed messages, internal",
    "utils.JobStatus": "gradio_client's mutable job record; Job.status()/snapshot() are ours",
    "utils.Communicator": "gradio_client's job <-> thread channel",
    "utils.APIInfoParseError": "raised by gradio_client's schema-to-type converter; ours never raises",
    "exceptions.SerializationSetupError": "Gradio 3 serializers, which gradio_nb does not have",
}

# Parameters that differ on purpose: "Class.method(param)" -> why.
DIFFERENT = {
    "Client.__init__(download_files)": "default None: gradio_client's folder ($GRADIO_TEMP_DIR "
                                       "or <tmp>/gradio), read when the Client is made, not at import",
    "Job.__init__": "Jobs are made by submit(), not by user code (gradio_client's takes a Future)",
}


def public(names) -> set[str]:
    return {n for n in names if not n.startswith("_")}


def missing(kind: str, theirs: set[str], ours: set[str]) -> set[str]:
    return {f"{kind}.{n}" for n in theirs - ours} - set(ABSENT)


def test_package_names() -> None:
    assert missing("package", set(gradio_client.__all__), set(dir(gradio_nb))) == set()


def test_utils_and_exceptions_module_names() -> None:
    utils_classes = {n for n, o in vars(gradio_client.utils).items()
                     if inspect.isclass(o) and o.__module__ == "gradio_client.utils"}
    assert missing("utils", public(utils_classes) | {"handle_file", "file"},
                   set(dir(gradio_nb.utils))) == set()
    exception_classes = {n for n, o in vars(gradio_client.exceptions).items()
                         if inspect.isclass(o) and issubclass(o, BaseException)}
    assert missing("exceptions", exception_classes, set(dir(gradio_nb.exceptions))) == set()


def test_client_names_on_the_class_and_a_connected_instance(protocol_app) -> None:
    reference = gradio_client.Client(protocol_app.url, verbose=False, analytics_enabled=False)
    with Client(protocol_app.url, verbose=False) as ours:
        assert missing("Client", public(dir(reference)), public(dir(ours))) == set()
        assert ours.headers == {} and ours.output_dir == reference.output_dir
        assert (ours.api_prefix, ours.src_prefixed, ours.upload_url) == (
            reference.api_prefix, reference.src_prefixed, reference.upload_url)


def test_job_and_status_update_names(protocol_app) -> None:
    reference = gradio_client.Client(protocol_app.url, verbose=False, analytics_enabled=False)
    theirs = reference.submit("x", api_name="/echo")
    theirs.result(timeout=30)
    with Client(protocol_app.url, verbose=False) as client:
        ours = client.submit("x", api_name="/echo")
        ours.result(timeout=30)
        assert missing("Job", public(dir(theirs)), public(dir(ours))) == set()
        assert missing("StatusUpdate", public(dir(theirs.status())), public(dir(ours.status()))) == set()


def reference_methods():
    """(label, gradio_client callable, gradio_nb callable) for every public method to compare."""
    pairs = [("Client", gradio_client.Client, Client), ("Job", gradio_client.client.Job, Job),
             ("StatusUpdate", gradio_client.utils.StatusUpdate, StatusUpdate)]
    for label, theirs_cls, ours_cls in pairs:
        for name, member in inspect.getmembers(theirs_cls, callable):
            if name.startswith("_") and name != "__init__":
                continue
            if inspect.isclass(member) or f"{label}.{name}" in ABSENT:
                continue
            yield f"{label}.{name}", member, getattr(ours_cls, name, None)


@pytest.mark.parametrize("label, theirs, ours", list(reference_methods()), ids=lambda v: v if isinstance(v, str) else "")
def test_method_parameters(label, theirs, ours) -> None:
    assert ours is not None, f"{label} is missing"
    if label in DIFFERENT:
        return
    ref_params = [p for p in inspect.signature(theirs).parameters.values() if not p.name.startswith("_")]
    our_params = inspect.signature(ours).parameters
    positional = [p.name for p in our_params.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    for index, p in enumerate(ref_params):
        where = f"{label}({p.name})"
        if p.kind is p.VAR_POSITIONAL or p.kind is p.VAR_KEYWORD:
            assert any(q.kind is p.kind for q in our_params.values()), f"{where}: missing"
            continue
        assert p.name in our_params, f"{where}: missing"
        q = our_params[p.name]
        if p.kind is p.POSITIONAL_OR_KEYWORD:
            assert q.kind is p.POSITIONAL_OR_KEYWORD, f"{where}: {q.kind} instead of positional"
            assert positional.index(p.name) == index, f"{where}: another position"
        if p.default is not p.empty and where not in DIFFERENT:
            assert q.default == p.default, f"{where}: default {q.default!r}, gradio_client's {p.default!r}"
    for name, q in our_params.items():  # extras must not be required
        if name not in {p.name for p in ref_params} and q.kind not in (q.VAR_POSITIONAL, q.VAR_KEYWORD):
            assert q.default is not q.empty, f"{label}({name}): an extra parameter must be optional"


def gradio_client_exceptions():
    for module in (gradio_client.exceptions, gradio_client.utils):
        for name, cls in vars(module).items():
            if inspect.isclass(cls) and issubclass(cls, BaseException) and cls.__module__ == module.__name__:
                yield module.__name__.rsplit(".", 1)[1], name, cls


@pytest.mark.parametrize("module, name, theirs", list(gradio_client_exceptions()),
                         ids=lambda v: v if isinstance(v, str) else "")
def test_exception_classes_and_bases(module, name, theirs) -> None:
    if f"{module}.{name}" in ABSENT:
        return
    ours = getattr(getattr(gradio_nb, module), name)
    assert issubclass(ours, gradio_nb.GradioNBError), f"{name}: outside our one tree"
    for base in theirs.__mro__[1:]:
        if base.__module__ == "builtins" and base is not object:
            assert issubclass(ours, base), f"{name} must be a {base.__name__}, as gradio_client's is"


def test_the_lists_name_only_real_gradio_client_names() -> None:
    """An entry that no longer matches anything would hide nothing and rot: keep the lists true."""
    for entry in ABSENT:
        kind, name = entry.split(".", 1)
        holder = {"Client": gradio_client.Client, "Job": gradio_client.client.Job,
                  "utils": gradio_client.utils, "exceptions": gradio_client.exceptions}[kind]
        instance_only = kind == "Client" or kind == "Job"
        assert hasattr(holder, name) or instance_only, entry
