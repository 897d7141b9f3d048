"""Namespaces: the one validator, ``{field}`` templates, and the ``a/b`` text form.

A namespace is a tuple (or list) of labels. One rule set, shared by the stores, the
memory graph, the memory operations, the CLI and the LangChain integrations:

- it is a ``tuple`` or ``list`` (a bare string would split into one-character labels);
- it has at least one label, except a search/list prefix (``allow_empty=True``);
- every label is a non-empty ``str`` with no ``.`` (stores join labels with ``.``) and
  no NUL byte (PostgreSQL text cannot hold one) and no lone surrogate (not UTF-8);
- its root label is not ``"langgraph"``, which LangGraph reserves.

These are the checks of LangGraph's ``BaseStore`` (``_validate_namespace``), raised as
:class:`InvalidNamespaceError` instead of LangGraph's plain one, which it subclasses. Like
``BaseStore``, a store *read* (``get``/``search``/``delete``/``list_namespaces``) may
name the reserved root (``allow_reserved=True``); everything that names a namespace of
memories (extraction, recall, the tools, the CLI) may not, as no memory can live there.

Templates such as ``("memories", "{user_id}")`` hold ``{name}`` fields. Values come from
explicit keyword arguments first, then from ``config["configurable"]`` of the current run.
A field with no value, a field with attribute/index access or a format spec, and a filled
namespace that breaks the rules above all raise :class:`InvalidNamespaceError`.

Scope: the default namespace
----------------------------
:func:`scoped_namespace` is the one rule every entry point (``extract_memories``, the
graph input, ``MemoryChatHistory``, ``MemoryRetriever``, the agent hooks, the tools and
the CLI) uses to pick the namespace it reads or writes:

1. an explicit namespace wins. A template is filled (``{user_id}``, ``{agent_id}``, …);
   a fixed one is used as it is, and ``user_id``/``agent_id`` are only recorded on the
   memories written (their ``user_id``/``agent_id`` fields and history);
2. else ``user_id`` (from the argument, else ``config["configurable"]``) scopes it:
   ``("memories", "<user_id>")``, the same namespace as the template
   ``("memories", "{user_id}")``, and the agent id is only recorded;
3. else ``agent_id``: ``("memories", "_agent", "<agent_id>")``;
4. else the unscoped default :data:`DEFAULT_NAMESPACE`, ``("memories", "_shared")``.

User and agent ids may not start with ``_`` (nor hold ``.`` or NUL), so a user scope can
never be ``_shared`` or ``_agent``, and none of the four is a prefix of another: a search
under one never returns another's memories, and dedup / supersede (which match the exact
namespace) never cross them. ``("memories",)`` itself is the prefix of all of them, for
an administrator's ``list``/``export``/``stats`` over everyone.
"""

from __future__ import annotations

import string
import threading
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from langmem_extract.errors import InvalidInputError, ScopeError
from langmem_extract.schema import DEFAULT_NAMESPACE

__all__ = [
    "AGENT_LABEL",
    "DEFAULT_NAMESPACE",
    "MEMORY_ROOT",
    "RESERVED_ROOT",
    "SHARED_LABEL",
    "InvalidNamespaceError",
    "NamespaceLike",
    "NamespaceTemplate",
    "default_namespace",
    "format_namespace",
    "is_template",
    "parse_namespace",
    "resolve_namespace",
    "scope_id",
    "scoped_namespace",
    "template_fields",
    "validate_namespace",
]

#: Root label LangGraph keeps for itself; nothing may be written under it.
RESERVED_ROOT = "langgraph"

#: Root label of every default memory namespace.
MEMORY_ROOT = DEFAULT_NAMESPACE[0]
#: Second label of the unscoped default ``("memories", "_shared")``.
SHARED_LABEL = DEFAULT_NAMESPACE[1]
#: Second label of an agent-only scope ``("memories", "_agent", "<agent_id>")``.
AGENT_LABEL = "_agent"

NamespaceTemplate = Sequence[str]
#: What the memory operations accept: ``"a/b"`` / ``"a.b"`` text or a tuple of labels.
NamespaceLike = str | Sequence[str]

_FORMATTER = string.Formatter()


_ERROR_LOCK = threading.Lock()

if TYPE_CHECKING:
    from langgraph.store.base import InvalidNamespaceError as _LangGraphInvalidNamespaceError

    class InvalidNamespaceError(InvalidInputError, _LangGraphInvalidNamespaceError):
        """See ``_ERROR_DOC``."""


_ERROR_DOC = """A namespace that breaks the rules of :mod:`langmem_extract.namespaces`, or a
template that cannot be filled.

Also a LangGraph ``InvalidNamespaceError``, so ``except`` clauses written for LangGraph
stores catch it. Importable from :mod:`langmem_extract.errors` too.
"""


def _error_class() -> type[InvalidInputError]:
    """:class:`InvalidNamespaceError`, made the first time it is asked for (as
    ``namespaces.InvalidNamespaceError`` or ``errors.InvalidNamespaceError``) or raised.

    Its LangGraph base lives in LangGraph's store module, which imports
    ``langchain_core``'s embeddings and callbacks: 0.2-0.3 s of CPU in a fresh process,
    which ``import langmem_extract``, ``--help`` and the CLI's reads of a DuckDB file do
    not otherwise pay (docs/benchmarks/cold_start.md).
    """
    made = globals().get("InvalidNamespaceError")
    if made is None:
        with _ERROR_LOCK:  # one class, however many threads ask at once
            made = globals().get("InvalidNamespaceError")
            if made is None:
                from langgraph.store.base import InvalidNamespaceError as langgraph_error

                made = type(
                    "InvalidNamespaceError",
                    (InvalidInputError, langgraph_error),
                    {"__module__": __name__, "__doc__": _ERROR_DOC},
                )
                globals()["InvalidNamespaceError"] = made
    return made


def _invalid(message: str) -> InvalidInputError:
    """An :class:`InvalidNamespaceError` carrying ``message``."""
    return _error_class()(message)


def __getattr__(name: str) -> Any:
    if name == "InvalidNamespaceError":
        return _error_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def validate_namespace(
    namespace: Any, *, allow_empty: bool = False, allow_reserved: bool = False
) -> tuple[str, ...]:
    """Return ``namespace`` as a tuple of labels, or raise :class:`InvalidNamespaceError`.

    ``allow_empty`` admits ``()`` (a prefix matching every namespace). ``allow_reserved``
    admits the ``"langgraph"`` root; only store reads set it, as ``BaseStore`` does.
    """
    labels = _labels(namespace)
    if not labels and not allow_empty:
        raise _invalid("namespace cannot be empty")
    for label in labels:
        if not label:
            raise _invalid(f"namespace {labels!r} has an empty label")
        if "." in label:
            raise _invalid(
                f"namespace label {label!r} in {labels!r} contains '.', "
                "which stores use to separate labels"
            )
        if "\x00" in label:
            raise _invalid(f"namespace label {label!r} in {labels!r} contains a NUL byte")
        if not label.isascii():
            try:
                label.encode("utf-8")
            except UnicodeEncodeError:
                raise _invalid(
                    f"namespace label {label!r} in {labels!r} is not valid Unicode "
                    "(a lone surrogate)"
                ) from None
    if labels and labels[0] == RESERVED_ROOT and not allow_reserved:
        raise _invalid(
            f"namespace root label {RESERVED_ROOT!r} is reserved by LangGraph: {labels!r}"
        )
    return labels


def _labels(namespace: Any) -> tuple[str, ...]:
    """The shape check shared by concrete namespaces and templates."""
    if not isinstance(namespace, tuple | list):
        raise _invalid(f"namespace must be a tuple of strings, got {namespace!r}")
    for label in namespace:
        if not isinstance(label, str):
            raise _invalid(
                f"namespace labels must be strings, got {type(label).__name__} "
                f"{label!r} in {tuple(namespace)!r}"
            )
    return tuple(namespace)


# --------------------------------------------------------------------------- text form


def parse_namespace(
    namespace: NamespaceLike | None, *, allow_empty: bool = False
) -> tuple[str, ...]:
    """Turn ``"a/b"``, ``"a.b"`` or ``("a", "b")`` into a checked namespace tuple.

    In text both ``/`` and ``.`` separate labels (no label may hold ``.``) and spaces
    around each label are dropped; a label that holds ``/`` needs the tuple form. A tuple
    or list is taken label for label, exactly as a store takes it.
    """
    if namespace is None:
        labels: Any = ()
    elif isinstance(namespace, str):
        text = namespace.strip().replace(".", "/")
        labels = tuple(label.strip() for label in text.split("/")) if text else ()
    else:
        labels = namespace
    return validate_namespace(labels, allow_empty=allow_empty)


def format_namespace(namespace: Sequence[str]) -> str:
    """The ``a/b`` form the CLI prints and accepts."""
    return "/".join(namespace)


# --------------------------------------------------------------------------- templates


def template_fields(template: NamespaceTemplate) -> list[str]:
    """The ``{field}`` names a template uses, in order of first appearance."""
    labels = _template_labels(template)
    seen: dict[str, None] = {}
    for label in labels:
        for name in _label_fields(label, labels):
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
    """Fill ``template`` from ``values`` and ``config["configurable"]``, then validate it.

    >>> resolve_namespace(("memories", "{user_id}"), {"configurable": {"user_id": "u1"}})
    ('memories', 'u1')
    """
    labels = _template_labels(template)
    configurable = _configurable(config)
    out: list[str] = []
    for label in labels:
        fields = _label_fields(label, labels)
        if not fields:
            out.append(label)
            continue
        filled = {name: _lookup(name, labels, values, configurable) for name in fields}
        out.append(label.format(**filled))
    return validate_namespace(tuple(out))


def _template_labels(template: Any) -> tuple[str, ...]:
    labels = _labels(template)
    if not labels:
        raise _invalid("namespace cannot be empty")
    return labels


def _label_fields(label: str, template: tuple[str, ...]) -> list[str]:
    try:
        parsed = list(_FORMATTER.parse(label))
    except ValueError as exc:  # unbalanced braces
        raise _invalid(f"bad namespace template label {label!r} in {template!r}: {exc}") from None
    names: list[str] = []
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise _invalid(
                f"namespace template field {{{name}}} in {template!r} must be a plain "
                "name such as {user_id}"
            )
        names.append(name)
    return names


def _configurable(config: Mapping[str, Any] | None) -> Mapping[str, Any]:
    if config is None:
        return {}
    configurable = config.get("configurable") or {}
    if not isinstance(configurable, Mapping):
        raise _invalid("config['configurable'] must be a mapping")
    return configurable


def _lookup(
    name: str,
    template: tuple[str, ...],
    values: Mapping[str, Any],
    configurable: Mapping[str, Any],
) -> str:
    value = values.get(name)
    if value is None:
        value = configurable.get(name)
    if value is None:
        known = sorted({*(k for k, v in values.items() if v is not None), *configurable})
        raise _invalid(
            f"namespace template {template!r} needs {{{name}}}, but no value was given "
            f"(known: {known}); pass config={{'configurable': {{'{name}': ...}}}}"
        )
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _invalid(f"namespace template value {name}={value!r} must be a string or an integer")
    return str(value)


# --------------------------------------------------------------------------- scope


def scope_id(name: str, value: Any) -> str | None:
    """A ``user_id``/``agent_id`` checked as a scope label (``None`` stays ``None``).

    Raises:
        ScopeError: not a non-empty string (or int), starts with ``_`` (kept for
            ``_shared``/``_agent``), or holds ``.`` or NUL.
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ScopeError(f"{name} must be a string, got {type(value).__name__}")
    text = str(value)
    if not text.strip():
        raise ScopeError(f"{name} must be a non-empty string")
    if text.startswith("_"):
        raise ScopeError(
            f"{name} {text!r} starts with '_', which scoped namespaces keep for "
            f"{SHARED_LABEL!r} and {AGENT_LABEL!r}"
        )
    if "." in text or "\x00" in text:
        raise ScopeError(f"{name} {text!r} cannot hold '.' or a NUL byte")
    return text


def default_namespace(user_id: Any = None, agent_id: Any = None) -> tuple[str, ...]:
    """The namespace ``user_id`` / ``agent_id`` scope (rules 2-4 of the module docstring).

    >>> default_namespace("alice"), default_namespace(agent_id="bot"), default_namespace()
    (('memories', 'alice'), ('memories', '_agent', 'bot'), ('memories', '_shared'))
    """
    user = scope_id("user_id", user_id)
    agent = scope_id("agent_id", agent_id)
    if user is not None:
        return validate_namespace((MEMORY_ROOT, user))
    if agent is not None:
        return validate_namespace((MEMORY_ROOT, AGENT_LABEL, agent))
    return DEFAULT_NAMESPACE


def scoped_namespace(
    namespace: NamespaceTemplate | None = None,
    config: Mapping[str, Any] | None = None,
    /,
    **values: Any,
) -> tuple[str, ...]:
    """The namespace an entry point uses: ``namespace`` if given (a template is filled
    from ``values`` and ``config``), else :func:`default_namespace` of the ``user_id`` /
    ``agent_id`` in ``values``, else in ``config["configurable"]``.
    """
    if namespace is None:
        configurable = _configurable(config)
        ids = {}
        for name in ("user_id", "agent_id"):
            value = values.get(name)
            ids[name] = value if value is not None else configurable.get(name)
        return default_namespace(**ids)
    if template_fields(namespace):
        return resolve_namespace(namespace, config, **values)
    return validate_namespace(namespace)
