"""Namespace templates such as ``("memories", "{user_id}")``, filled from a run config.

Each label may hold ``{name}`` fields. Values come from explicit keyword arguments
first, then from ``config["configurable"]`` of the current run. A field with no value,
a field with attribute/index access or a format spec, and a label that ends up empty
or containing ``.`` all raise :class:`~langmem_extract.errors.InvalidNamespaceError`.
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from typing import Any

from langmem_extract.errors import InvalidNamespaceError

NamespaceTemplate = Sequence[str]

_FORMATTER = string.Formatter()
_RESERVED_ROOT = "langgraph"


def template_fields(template: NamespaceTemplate) -> list[str]:
    """The ``{field}`` names a template uses, in order of first appearance."""
    _check_shape(template)
    seen: dict[str, None] = {}
    for label in template:
        for name in _label_fields(label, template):
            seen.setdefault(name, None)
    return list(seen)


def is_template(template: NamespaceTemplate) -> bool:
    return bool(template_fields(template))


def resolve_namespace(
    template: NamespaceTemplate,
    config: Mapping[str, Any] | None = None,
    /,
    **values: Any,
) -> tuple[str, ...]:
    """Fill ``template`` from ``values`` and ``config["configurable"]``.

    >>> resolve_namespace(("memories", "{user_id}"), {"configurable": {"user_id": "u1"}})
    ('memories', 'u1')
    """
    _check_shape(template)
    configurable = _configurable(config)
    out: list[str] = []
    for label in template:
        fields = _label_fields(label, template)
        if not fields:
            out.append(label)
            continue
        filled = {name: _lookup(name, template, values, configurable) for name in fields}
        out.append(label.format(**filled))
    namespace = tuple(out)
    validate_namespace(namespace)
    return namespace


def validate_namespace(namespace: Sequence[str]) -> tuple[str, ...]:
    """Check a concrete namespace the way LangGraph stores do, with our error type."""
    if not namespace:
        raise InvalidNamespaceError("namespace must have at least one label")
    for label in namespace:
        if not isinstance(label, str) or not label:
            raise InvalidNamespaceError(
                f"namespace {tuple(namespace)!r} has an empty or non-string label"
            )
        if "." in label or "\x00" in label:
            raise InvalidNamespaceError(
                f"namespace label {label!r} in {tuple(namespace)!r} contains '.' or NUL; "
                "stores use '.' as the label separator"
            )
    if namespace[0] == _RESERVED_ROOT:
        raise InvalidNamespaceError(f"namespace root {_RESERVED_ROOT!r} is reserved by LangGraph")
    return tuple(namespace)


def _check_shape(template: Any) -> None:
    # A bare string would be split into one-character labels.
    if isinstance(template, str) or not isinstance(template, Sequence) or not template:
        raise InvalidNamespaceError(
            f"namespace must be a non-empty tuple of labels, got {template!r}"
        )
    for label in template:
        if not isinstance(label, str):
            raise InvalidNamespaceError(
                f"namespace labels must be strings, got {label!r} in {tuple(template)!r}"
            )


def _label_fields(label: str, template: NamespaceTemplate) -> list[str]:
    try:
        parsed = list(_FORMATTER.parse(label))
    except ValueError as exc:  # unbalanced braces
        raise InvalidNamespaceError(
            f"bad namespace template label {label!r} in {tuple(template)!r}: {exc}"
        ) from None
    names: list[str] = []
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise InvalidNamespaceError(
                f"namespace template field {{{name}}} in {tuple(template)!r} must be a plain "
                "name such as {user_id}"
            )
        names.append(name)
    return names


def _configurable(config: Mapping[str, Any] | None) -> Mapping[str, Any]:
    if config is None:
        return {}
    configurable = config.get("configurable") or {}
    if not isinstance(configurable, Mapping):
        raise InvalidNamespaceError("config['configurable'] must be a mapping")
    return configurable


def _lookup(
    name: str,
    template: NamespaceTemplate,
    values: Mapping[str, Any],
    configurable: Mapping[str, Any],
) -> str:
    value = values.get(name)
    if value is None:
        value = configurable.get(name)
    if value is None:
        known = sorted({*(k for k, v in values.items() if v is not None), *configurable})
        raise InvalidNamespaceError(
            f"namespace template {tuple(template)!r} needs {{{name}}}, but no value was given "
            f"(known: {known}); pass config={{'configurable': {{'{name}': ...}}}}"
        )
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise InvalidNamespaceError(
            f"namespace template value {name}={value!r} must be a string or an integer"
        )
    return str(value)
