"""``map``/``sweep`` for one client or several replicas: checks in the caller's thread, then
the batch starts on the loop thread and the ``Batch`` is returned at once."""

from __future__ import annotations

import logging
import os
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

from .. import _hooks, _loop, _spaces
from .._exceptions import ConfigError, GradioNBError
from .batch import Batch, Item
from .driver import Driver
from .inputs import known_length, rows_of, sweep_grid
from .policy import Policy

if TYPE_CHECKING:
    from .._client import _ClientBase
    from .._protocol.endpoints import Endpoint
    from .cache import ResultCache

__all__ = ["map", "start_sweep", "default_concurrency"]

log = logging.getLogger("gradio_nb")

_ERRORS = ("collect", "raise")
DEFAULT_QUOTA_WAIT = timedelta(minutes=30)


def default_concurrency(client: _ClientBase, endpoint: Endpoint) -> int:
    """A bound from what the app reveals (never unbounded).

    Gradio runs one call of an endpoint at a time unless the app says otherwise, and the
    config does not tell: 8 jobs in flight keep any queue fed without flooding it; a batched
    function (``batch=True``) gets twice its ``max_batch_size`` (up to 64) so its batches fill;
    a Hugging Face Space gets 4, to be a good citizen (a 429 lowers it further).
    """
    deps = client.config.get("dependencies") or []
    dep = next((d for d in deps if isinstance(d, Mapping) and d.get("id") == endpoint.fn_index), None)
    if dep is None and 0 <= endpoint.fn_index < len(deps):
        dep = deps[endpoint.fn_index]
    if isinstance(dep, Mapping) and dep.get("batch"):
        size = dep.get("max_batch_size")
        if isinstance(size, int) and size > 0:
            return max(8, min(2 * size, 64))
    if client.space_id or client.config.get("space_id"):
        return 4
    return 8


def _caps(clients: Sequence[_ClientBase], endpoints: Sequence[Endpoint], concurrency: Any) -> list[int]:
    if concurrency is None:
        return [default_concurrency(c, e) for c, e in zip(clients, endpoints)]
    values = list(concurrency) if isinstance(concurrency, (list, tuple)) else [concurrency] * len(clients)
    if len(values) != len(clients):
        raise ConfigError(f"concurrency= has {len(values)} values for {len(clients)} replicas: "
                          "give one number, or one per client.")
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ConfigError(f"concurrency must be a whole number >= 1 (jobs in flight per client), "
                              f"or None to pick one; got {value!r}.")
    return values


def _on_zero_gpu(client: _ClientBase) -> bool:
    """Whether the Hub says this client's Space runs on ZeroGPU (one Hub call; False when it
    cannot tell: the batch then starts at the usual concurrency)."""
    if not client.space_id:
        return False
    try:
        token = getattr(client._app.transport, "_hf_token", None)
        return _spaces.is_zero_gpu(_spaces.space_hardware(client.space_id, token=token))
    except (GradioNBError, OSError) as exc:
        log.debug("could not read the hardware of %s: %s", client.space_id, exc)
        return False


def _first_windows(clients: Sequence[_ClientBase], concurrency: Any) -> list[int | None] | None:
    """``concurrency=None`` on a ZeroGPU Space starts at one job in flight (the caller's GPU
    quota and pending credits are per visitor); it grows while no quota refusal comes."""
    if concurrency is not None:
        return None
    return [1 if _on_zero_gpu(client) else None for client in clients]


def _quota_wait(value: Any) -> float | None:
    """``quota_wait=`` in seconds (None: any wait is accepted)."""
    if value is None:
        return None
    if isinstance(value, timedelta):
        value = value.total_seconds()
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ConfigError(f"quota_wait takes a timedelta or seconds >= 0 (the longest ZeroGPU quota "
                          f"wait to accept; 0 never waits), or None to always wait; got {value!r}.")
    return float(value)


def _endpoints(clients: Sequence[_ClientBase], api_name: str | None, fn_index: int | None) -> list[Endpoint]:
    """Each replica's endpoint; replicas whose signatures differ are refused."""
    endpoints = []
    for client in clients:
        name = api_name if api_name is not None or fn_index is not None else client._default_api_name
        endpoints.append(client.endpoint(name, fn_index))
    first = endpoints[0]
    for client, endpoint in zip(clients[1:], endpoints[1:]):
        if (endpoint.signature() != first.signature()
                or [p.schema for p in endpoint.parameters] != [p.schema for p in first.parameters]):
            raise ConfigError(
                f"These replicas are not the same app: {clients[0].src} has "
                f"{first.signature()} but {client.src} has {endpoint.signature()}. map() spreads "
                "one endpoint over copies of one app; run different apps as separate batches."
            )
    return endpoints


def _open_cache(cache: Any) -> ResultCache | None:
    if cache is None or cache is False:
        return None
    from .cache import ResultCache, default_cache_dir

    if cache is True:
        return ResultCache(default_cache_dir())
    if isinstance(cache, (str, os.PathLike)):
        return ResultCache(cache)
    if isinstance(cache, ResultCache):
        return cache
    raise ConfigError(f"cache= takes True (the per-user cache folder), a folder path, or None; "
                      f"got {type(cache).__name__}.")


def map(  # noqa: A001 - the issue's name: gradio_nb.map(clients, inputs, ...)
    clients: Any,
    inputs: Iterable[Any],
    api_name: str | None = None,
    *,
    fn_index: int | None = None,
    concurrency: int | Sequence[int] | None = None,
    retries: int = 3,
    errors: str = "collect",
    cache: bool | str | os.PathLike[str] | None = None,
    progress: bool = True,
    headers: Mapping[str, str] | None = None,
    quota_wait: timedelta | float | None = DEFAULT_QUOTA_WAIT,
) -> Batch:
    """Run ``api_name`` over ``inputs``, spread over several clients of the same app (replicas).

    Each client keeps its own concurrency (``concurrency=`` one number for each, or a list).
    When a replica stops answering, its in-flight items move to the others; nothing is lost and
    nothing that finished runs again. Replicas whose endpoint signatures differ are refused.
    A single client works too. Everything that can be checked is checked here, in the caller's
    thread; then the batch starts on the loop thread and the ``Batch`` is returned at once.

    ZeroGPU Spaces: a quota refusal pauses that replica until the quota allows again (the
    item goes back to the queue; the other replicas go on), unless the wait is longer than
    ``quota_wait`` (a ``timedelta`` or seconds; None: always wait; 0: never): then the batch
    stops, and every unfinished item fails with that ``ZeroGPUQuotaError``, for
    ``batch.retry_failed(quota_wait=None)`` later.
    """
    clients = list(clients) if isinstance(clients, (list, tuple)) else [clients]
    if not clients:
        raise ConfigError("map() needs at least one client.")
    if errors not in _ERRORS:
        raise ConfigError(f"errors= must be 'collect' (record failures and go on) or 'raise' "
                          f"(stop at the first failure); got {errors!r}.")
    if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
        raise ConfigError(f"retries must be a whole number >= 0; got {retries!r}.")
    for client in clients:
        if client.closed:
            raise ConfigError(f"The client of {client.src} is closed; map() needs open clients.")
    endpoints = _endpoints(clients, api_name, fn_index)
    caps = _caps(clients, endpoints, concurrency)
    wait = _quota_wait(quota_wait)
    source = rows_of(inputs, endpoints[0])
    total = known_length(source)
    store = _open_cache(cache)
    options = dict(api_name=endpoints[0].api_name, fn_index=endpoints[0].fn_index,
                   concurrency=concurrency, retries=retries, errors=errors, cache=cache,
                   progress=progress, headers=headers, quota_wait=quota_wait)

    def retry(failed: list[Item], **overrides: Any) -> Batch:
        # A bound item's inputs hold every parameter in order: the positional form works for
        # any endpoint. An item never bound goes again exactly as it was given.
        items = [item.given[0] if item.given is not None else tuple(item.inputs.values())
                 for item in failed]
        unknown = sorted(set(overrides) - set(options) | set(overrides) & {"api_name", "fn_index"})
        if unknown:
            allowed = ", ".join(sorted(set(options) - {"api_name", "fn_index"}))
            raise ConfigError(f"retry_failed() takes map()'s options ({allowed}); not {', '.join(unknown)}.")
        return map(clients, items, **{**options, **overrides})  # type: ignore[arg-type]

    batch = Batch(endpoints[0], total=total, errors=errors, retry=retry)
    policy = Policy(caps, retries=retries, quota_wait=wait, start=_first_windows(clients, concurrency))
    driver = Driver(batch, clients, endpoints, iter(source), policy, cache=store, headers=headers)
    batch._driver = driver
    batch._owners = clients  # type: ignore[attr-defined]  # keeps the connections alive
    # In a notebook the live card shows the progress; elsewhere, the tqdm bar.
    if progress and not (_hooks.batch_progress is not None and _hooks.batch_progress(batch)):
        from .progress import attach_progress

        attach_progress(batch)
    _loop.call_soon(driver.start)
    return batch


def start_sweep(clients: Sequence[_ClientBase], *, api_name: str | None = None,
                fn_index: int | None = None, options: Mapping[str, Any] | None = None,
                grid: Mapping[str, Any]) -> Batch:
    """``sweep``: the cartesian product of ``grid`` (lists vary, scalars are fixed)."""
    endpoint = _endpoints(list(clients)[:1], api_name, fn_index)[0]
    items = sweep_grid(endpoint, grid)
    return map(clients, items, endpoint.api_name, fn_index=endpoint.fn_index, **dict(options or {}))

