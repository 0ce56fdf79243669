"""``client.api``: an app's endpoints as Python functions.

    client.api.generate("a cat", steps=4)       # == client.predict("a cat", steps=4, api_name="/generate")
    client.api["/my-fn"], client.api[3]         # by api_name or fn_index
    inspect.signature(client.api.generate)      # (text: str, steps: int = 10) -> str

An ``EndpointFunction`` holds only its client and its api_name (or fn_index): it pickles as
such, and it looks its ``Endpoint`` model up on first use, so an unpickled one in a worker
process connects when it is first called, not when it arrives.
"""

from __future__ import annotations

import difflib
import inspect
from typing import TYPE_CHECKING, Any, Iterator

from ._protocol.endpoints import Endpoint
from ._protocol.signatures import endpoint_doc, endpoint_signature, python_name, type_text

if TYPE_CHECKING:
    from ._client import AsyncClient, Client, _ClientBase
    from ._job import Job

__all__ = ["AsyncEndpointFunction", "EndpointFunction", "EndpointNamespace", "PendingNamespace"]

_Key = str | int  # an api_name ("/generate") or a fn_index


class _InstanceDoc:
    """``__doc__`` that is the endpoint's own docstring on an instance (what help(ep), ``ep?``
    and Shift-Tab show) and the class docstring on the class."""

    def __init__(self, class_doc: str | None) -> None:
        self.class_doc = class_doc

    def __get__(self, instance: Any, owner: type | None = None) -> str | None:
        return self.class_doc if instance is None else instance._instance_doc()


class _EndpointFunctionBase:
    """What the sync and async endpoint functions share: naming, signature, docs, pickling."""

    def __init__(self, client: _ClientBase, key: _Key, name: str) -> None:
        self._client = client
        self._key = key
        self.__name__ = self.__qualname__ = name
        self._model: Endpoint | None = None

    # -- the Endpoint model, looked up on first use ---------------------------------------------

    @property
    def endpoint(self) -> Endpoint:
        """The ``Endpoint`` model (parameters, returns, components)."""
        if self._model is None:
            if isinstance(self._key, int):
                self._model = self._client.endpoint(fn_index=self._key)
            else:
                self._model = self._client.endpoint(self._key)
        return self._model

    @property
    def api_name(self) -> str | None:
        return self._key if isinstance(self._key, str) else self.endpoint.api_name

    @property
    def info(self) -> dict[str, Any]:
        """This endpoint's entry of ``client.view_api(return_format="dict")``."""
        info = self._client.view_api(print_info=False, return_format="dict")
        assert isinstance(info, dict)
        ep = self.endpoint
        if ep.api_name and ep.api_name in info["named_endpoints"]:
            return dict(info["named_endpoints"][ep.api_name])
        entry = info["unnamed_endpoints"].get(str(ep.fn_index))
        if entry is None:
            raise LookupError(f"view_api does not document {ep.name} (an undocumented endpoint).")
        return dict(entry)

    @property
    def __signature__(self) -> inspect.Signature:  # what inspect.signature, IPython and IDEs read
        return endpoint_signature(self.endpoint)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.__doc__ = _InstanceDoc(cls.__dict__.get("__doc__"))  # type: ignore[assignment]

    def _instance_doc(self) -> str:
        return endpoint_doc(self.endpoint, self._call_hint())

    def _call_hint(self) -> str:
        target = f'api_name="{self._key}"' if isinstance(self._key, str) else f"fn_index={self._key}"
        return f"client.predict(..., {target})"

    def _target(self) -> dict[str, Any]:
        return {"fn_index": self._key} if isinstance(self._key, int) else {"api_name": self._key}

    # ``inspect.isroutine`` is true for objects whose type has ``__get__`` (method descriptors),
    # and pydoc then renders help(ep) as a function: signature, then this instance's __doc__.
    # Looked up on a class it stays this same callable, like a staticmethod.
    def __get__(self, instance: object, owner: type | None = None) -> _EndpointFunctionBase:
        return self

    def __repr__(self) -> str:
        # A repr must not connect: an unpickled client's endpoint shows its signature once used.
        signature = "(...)" if self._client._live_app is None else str(endpoint_signature(self.endpoint))
        return f"<endpoint {self.__name__}{signature} of {_client_label(self._client)}>"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_endpoint_of, (self._client, self._key, self.__name__))

    def map(self, inputs: Any, **options: Any) -> Any:
        """``client.map(inputs, api_name=<this endpoint>, **options)``: a batch of calls."""
        return self._client.map(inputs, **self._target(), **options)  # type: ignore[attr-defined]

    def sweep(self, **grid: Any) -> Any:
        """``client.sweep(api_name=<this endpoint>, **grid)``: one call per grid point."""
        return self._client.sweep(**self._target(), **grid)  # type: ignore[attr-defined]


class EndpointFunction(_EndpointFunctionBase):
    """One endpoint of a ``Client`` as a function: ``ep(*args, **kwargs)`` is ``predict``."""

    _client: Client

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._client.predict(*args, **self._target(), **kwargs)

    def submit(self, *args: Any, **kwargs: Any) -> Job:
        """Start a call and return its ``Job`` at once, as ``client.submit``."""
        return self._client.submit(*args, **self._target(), **kwargs)


class AsyncEndpointFunction(_EndpointFunctionBase):
    """One endpoint of an ``AsyncClient``: ``await ep(*args, **kwargs)`` is ``predict``."""

    _client: AsyncClient

    async def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return await self._client.predict(*args, **self._target(), **kwargs)

    async def submit(self, *args: Any, **kwargs: Any) -> Job:
        """Start a call and return its ``Job`` at once, as ``await client.submit``."""
        return await self._client.submit(*args, **self._target(), **kwargs)


def _endpoint_of(client: _ClientBase, key: _Key, name: str) -> _EndpointFunctionBase:
    """Unpickling: the endpoint function again, without connecting (that waits for a call)."""
    return _function(client.api, key, name)


def _client_label(client: _ClientBase) -> str:
    return client._label()


def _function(namespace: EndpointNamespace, key: _Key, name: str) -> _EndpointFunctionBase:
    """The one function object per endpoint and client (``client.api.x is client.api.x``)."""
    functions = namespace._EndpointNamespace__functions
    function = functions.get(key)
    if function is None:
        cls = namespace._EndpointNamespace__function_class
        function = functions[key] = cls(namespace._EndpointNamespace__client, key, name)
    return function


def _names(client: _ClientBase) -> tuple[dict[str, Endpoint], dict[str, list[str]]]:
    """Safe name -> endpoint, and the names several api_names share (those get no attribute)."""
    by_name: dict[str, list[Endpoint]] = {}
    for endpoint in client.endpoints:
        if endpoint.api_name:
            by_name.setdefault(python_name(endpoint.api_name), []).append(endpoint)
    unique = {name: eps[0] for name, eps in by_name.items()
              if len(eps) == 1 and not name.startswith("__")}
    clashes = {name: [e.api_name or "" for e in eps] for name, eps in by_name.items() if name not in unique}
    return unique, clashes


class EndpointNamespace:
    """``client.api``: one callable attribute per endpoint that ``view_api`` shows.

    Names are made safe (``/my-fn`` -> ``my_fn``); endpoints whose names collide are reachable
    only as ``client.api["/name"]``. ``dir()``, ``len()`` and iteration list the endpoints.

    The endpoints are plain instance attributes, so ``__getattr__`` runs only for a name that is
    not one, to say which are (IPython's jedi completer, its default, still completes
    ``generate(te<TAB>``). Internals have mangled names, so no endpoint shadows them.
    """

    def __init__(self, client: _ClientBase, function_class: type[_EndpointFunctionBase],
                 functions: dict[_Key, _EndpointFunctionBase] | None = None) -> None:
        self.__client = client
        self.__function_class = function_class
        self.__functions: dict[_Key, _EndpointFunctionBase] = functions if functions is not None else {}
        if client._live_app is not None:
            for name, endpoint in _names(client)[0].items():
                setattr(self, name, _function(self, endpoint.api_name or "", name))

    def __getattr__(self, name: str) -> _EndpointFunctionBase:
        if name.startswith("_"):  # dunder probes (copy, pickle, IPython), a half-built self
            raise AttributeError(name)
        raise unknown_endpoint(self.__client, name)

    def __getitem__(self, key: _Key) -> _EndpointFunctionBase:
        """``client.api["/generate"]`` or ``client.api[fn_index]`` (undocumented ones too)."""
        if isinstance(key, bool) or not isinstance(key, (str, int)):
            raise TypeError(f"client.api[...] takes an api_name such as '/generate' or a fn_index, "
                            f"not {type(key).__name__}.")
        client = self.__client
        endpoint = client.endpoint(fn_index=key) if isinstance(key, int) else client.endpoint(key)
        name = python_name(endpoint.api_name) if endpoint.api_name else f"fn_{endpoint.fn_index}"
        return _function(self, key, name)

    def __dir__(self) -> list[str]:
        return list(_names(self.__client)[0])

    def __iter__(self) -> Iterator[_EndpointFunctionBase]:
        for endpoint in self.__client.endpoints:
            if endpoint.api_name:
                yield self[endpoint.api_name]

    def __len__(self) -> int:
        return sum(1 for endpoint in self.__client.endpoints if endpoint.api_name)

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str) and not key.startswith("/"):
            return key in _names(self.__client)[0]
        return any(key in (e.api_name, e.fn_index) for e in self.__client.endpoints)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_namespace_of, (self.__client,))

    def __repr__(self) -> str:
        client = self.__client
        clashes = _names(client)[1]
        rows: list[tuple[str, str]] = []
        for endpoint in client.endpoints:
            if not endpoint.api_name:
                continue
            name = python_name(endpoint.api_name)
            signature = endpoint_signature(endpoint)
            params = ", ".join(_param_text(p) for p in signature.parameters.values())
            spelled = f"api[{endpoint.api_name!r}]" if name in clashes else name
            rows.append((spelled, f"({params}) -> {type_text(signature.return_annotation)}"))
        width = max((len(spelled) for spelled, _ in rows), default=0)
        lines = [f"Endpoints of {_client_label(client)} ({len(rows)}):"]
        lines += [f"  {spelled.ljust(width)} {signature}" for spelled, signature in rows]
        if clashes:
            lines.append("  (names that collide once made safe for Python: only api['/name'])")
        return "\n".join(lines)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))


class PendingNamespace(EndpointNamespace):
    """``client.api`` of an unpickled client that has not connected yet.

    The first endpoint looked up by name connects the client (which then holds a full
    ``EndpointNamespace``) and is forwarded there; an unknown name lists the valid ones.
    """

    def __getattr__(self, name: str) -> _EndpointFunctionBase:
        if name.startswith("__") or name.startswith("_EndpointNamespace__"):
            raise AttributeError(name)  # dunder probes (copy, pickle, IPython), half-built self
        client = self._EndpointNamespace__client  # type: ignore[attr-defined]
        if client.api is self:  # still not connected: connect now (raises if the app is down)
            client._app
        function = vars(client.api).get(name)
        if function is None:
            raise unknown_endpoint(client, name)
        return function


def unknown_endpoint(client: _ClientBase, name: str) -> AttributeError:
    """The AttributeError for ``client.api.<name>``: the valid names and the closest one."""
    unique, clashes = _names(client)
    if name in clashes:
        spelled = " or ".join(f"client.api[{n!r}]" for n in clashes[name])
        return AttributeError(f"Several endpoints are named {name!r} once made safe for Python: use {spelled}.")
    message = f"{_client_label(client)} has no endpoint {name!r}."
    close = difflib.get_close_matches(name, list(unique), n=1, cutoff=0.6)
    if close:
        message += f" Did you mean {close[0]!r}?"
    return AttributeError(f"{message} Endpoints: {', '.join(unique) or 'none'}.")


def _param_text(param: inspect.Parameter) -> str:
    text = f"{param.name}: {type_text(param.annotation)}"
    if param.default is not inspect.Parameter.empty:
        text += f" = {param.default!r}"
    return text


def _namespace_of(client: _ClientBase) -> EndpointNamespace:
    return client.api
