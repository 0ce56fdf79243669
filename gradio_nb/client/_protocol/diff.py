"""Generator diffs of protocols sse_v2 and later (PROTOCOL.md §6).

Edits are applied in order with Python list semantics, negative indices included: the server's
differ sends wrong indices for deletions in nested lists, and the reference client reproduces
the same (wrong) intermediate value. The final value always comes from ``process_completed``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["DiffError", "apply_diff", "apply_output_diffs"]


class DiffError(ValueError):
    """An edit that cannot be applied to the previous value."""


def _edit(node: Any, action: str, path: list[Any], arg: Any) -> Any:
    """Return ``node`` with one edit applied, copying only the containers along ``path``.

    Copy-on-write keeps each yield O(path) instead of a deep copy of the whole value, which
    matters for long chat histories streamed token by token.
    """
    if not path:
        if action == "replace":
            return arg
        if action == "append":
            return node + arg
        raise DiffError(f"cannot {action!r} at the root")
    key, rest = path[0], path[1:]
    new = list(node) if isinstance(node, list) else dict(node)
    if rest:
        new[key] = _edit(node[key], action, rest, arg)
    elif action == "replace":
        new[key] = arg
    elif action == "append":
        new[key] = new[key] + arg
    elif action == "add":
        if isinstance(new, list):
            new.insert(key, arg)
        else:
            new[key] = arg
    elif action == "delete":
        del new[key]
    else:
        raise DiffError(f"unknown diff action {action!r}")
    return new


def apply_diff(value: Any, edits: list[Any]) -> Any:
    """Return ``value`` with ``edits`` applied in order; ``value`` itself is not modified."""
    for edit in edits:
        try:
            action, path, arg = edit
            value = _edit(value, action, list(path), arg)
        except DiffError:
            raise
        except (TypeError, ValueError, KeyError, IndexError, AttributeError) as exc:
            raise DiffError(f"cannot apply diff edit {edit!r}: {exc}") from exc
    return value


def apply_output_diffs(previous: list[Any], diffs: list[Any]) -> list[Any]:
    """Apply one ``process_generating`` payload (a list of edit lists, one per output)."""
    if len(previous) != len(diffs):
        raise DiffError(f"diff has {len(diffs)} outputs, previous value had {len(previous)}")
    return [apply_diff(old, edits) for old, edits in zip(previous, diffs)]
