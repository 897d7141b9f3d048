"""The one namespace rule set (``langmem_extract.namespaces``) and its template resolver."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from langgraph.store.base import InvalidNamespaceError as LangGraphInvalidNamespaceError
from langgraph.store.memory import InMemoryStore

from langmem_extract import errors
from langmem_extract.errors import InvalidInputError, InvalidNamespaceError, LangmemError
from langmem_extract.namespaces import (
    format_namespace,
    is_template,
    parse_namespace,
    resolve_namespace,
    template_fields,
    validate_namespace,
)

# --------------------------------------------------------------------------- the error


def test_error_is_langgraphs_and_ours() -> None:
    assert issubclass(InvalidNamespaceError, LangGraphInvalidNamespaceError)
    assert issubclass(InvalidNamespaceError, InvalidInputError)
    assert issubclass(InvalidNamespaceError, LangmemError)
    assert issubclass(InvalidNamespaceError, ValueError)
    assert errors.InvalidNamespaceError is InvalidNamespaceError
    # An ``except`` clause written for LangGraph catches ours.
    with pytest.raises(LangGraphInvalidNamespaceError):
        validate_namespace(("langgraph", "x"))


def test_plain_import_does_not_load_langgraph() -> None:
    # The error is defined beside the validator so this import stays light (~0.3 s less).
    code = (
        "import sys, langmem_extract, langmem_extract.errors as e\n"
        "assert not [m for m in sys.modules if m.startswith(('langgraph', 'langchain'))]\n"
        "assert issubclass(e.InvalidNamespaceError, ValueError)\n"
        "assert 'langgraph.store.base' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[1])


# --------------------------------------------------------------------------- the rules


@pytest.mark.parametrize(
    ("namespace", "message"),
    [
        ("users", "must be a tuple"),
        (iter(["a"]), "must be a tuple"),
        (None, "must be a tuple"),
        ((), "cannot be empty"),
        (("a", 1), "must be strings"),
        (("a", None), "must be strings"),
        (("a", ""), "empty label"),
        (("a.b",), r"contains '\.'"),
        (("ok", "x.y"), r"contains '\.'"),
        (("a\x00",), "NUL byte"),
        (("langgraph",), "reserved"),
        (("langgraph", "x"), "reserved"),
    ],
)
def test_one_rule_set(namespace: object, message: str) -> None:
    with pytest.raises(InvalidNamespaceError, match=message):
        validate_namespace(namespace)


def test_what_passes() -> None:
    assert validate_namespace(["a", "b"]) == ("a", "b")
    assert validate_namespace(("memories", "u-1", "a/b", " ")) == ("memories", "u-1", "a/b", " ")
    # "langgraph" is reserved only as the root label.
    assert validate_namespace(("memories", "langgraph")) == ("memories", "langgraph")
    assert validate_namespace((), allow_empty=True) == ()
    # Store reads may name the reserved root, as LangGraph's BaseStore lets them.
    assert validate_namespace(("langgraph", "x"), allow_reserved=True) == ("langgraph", "x")
    with pytest.raises(InvalidNamespaceError, match="NUL byte"):
        validate_namespace(("langgraph", "\x00"), allow_reserved=True)
    with pytest.raises(InvalidNamespaceError, match="cannot be empty"):
        validate_namespace((), allow_reserved=True)


@pytest.mark.parametrize(
    "namespace",
    [
        ("a",),
        ("a", "b c"),
        (),
        ("",),
        ("a.b",),
        ("a\x00",),
        (1,),
        ("langgraph",),
        ("x", "langgraph"),
    ],
)
def test_agrees_with_langgraph_on_writes(namespace: tuple) -> None:
    """Every namespace LangGraph's own store refuses on put, we refuse, and vice versa."""
    try:
        InMemoryStore().put(namespace, "k", {"v": 1})
        langgraph_ok = True
    except LangGraphInvalidNamespaceError:
        langgraph_ok = False
    try:
        validate_namespace(namespace)
        ours_ok = True
    except InvalidNamespaceError:
        ours_ok = False
    assert ours_ok == langgraph_ok


# --------------------------------------------------------------------------- text form


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a/b", ("a", "b")),
        ("a.b", ("a", "b")),
        (" a / b ", ("a", "b")),
        (["x", "y"], ("x", "y")),
        (" m ", ("m",)),
        # A sequence is taken label for label, as a store takes it (no stripping).
        (("a", " b "), ("a", " b ")),
    ],
)
def test_parse_namespace(text: object, expected: tuple[str, ...]) -> None:
    assert parse_namespace(text) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "cannot be empty"),
        ("a//b", "empty label"),
        ("a/ /b", "empty label"),
        ("a/b\x00", "NUL byte"),
        ("langgraph/x", "reserved"),
        ("langgraph", "reserved"),
        (("a", ""), "empty label"),
        (("a.b",), r"contains '\.'"),
        (3, "must be a tuple"),
    ],
)
def test_parse_namespace_uses_the_one_validator(text: object, message: str) -> None:
    with pytest.raises(InvalidNamespaceError, match=message):
        parse_namespace(text)  # type: ignore[arg-type]


def test_parse_namespace_empty_prefix_and_format() -> None:
    assert parse_namespace(None, allow_empty=True) == ()
    assert parse_namespace("  ", allow_empty=True) == ()
    with pytest.raises(InvalidNamespaceError, match="reserved"):
        parse_namespace("langgraph", allow_empty=True)
    assert format_namespace(("a", "b")) == "a/b"
    assert parse_namespace(format_namespace(("memories", "maya"))) == ("memories", "maya")


# --------------------------------------------------------------------------- templates


def test_fills_from_configurable() -> None:
    config = {"configurable": {"user_id": "u1", "org": "acme"}}
    assert resolve_namespace(("memories", "{org}", "{user_id}"), config) == (
        "memories",
        "acme",
        "u1",
    )


def test_keyword_values_win_over_config() -> None:
    config = {"configurable": {"user_id": "from-config"}}
    assert resolve_namespace(("m", "{user_id}"), config, user_id="explicit") == ("m", "explicit")


def test_mixed_literal_and_field_in_one_label() -> None:
    assert resolve_namespace(("m", "user-{user_id}"), None, user_id=7) == ("m", "user-7")


def test_plain_namespace_passes_through() -> None:
    assert resolve_namespace(("memories",)) == ("memories",)
    assert not is_template(("memories",))
    assert is_template(["m", "{x}"])
    assert template_fields(("a", "{x}", "{y}-{x}")) == ["x", "y"]


def test_missing_user_id_names_the_field_and_the_fix() -> None:
    with pytest.raises(InvalidNamespaceError, match=r"needs \{user_id\}.*configurable"):
        resolve_namespace(("memories", "{user_id}"), {"configurable": {"thread_id": "t"}})


def test_unknown_template_variable_lists_known_values() -> None:
    with pytest.raises(InvalidNamespaceError, match=r"needs \{usr_id\}.*known: \['user_id'\]"):
        resolve_namespace(("memories", "{usr_id}"), {"configurable": {"user_id": "u1"}})


@pytest.mark.parametrize(
    "template",
    [("m", "{user.id}"), ("m", "{0}"), ("m", "{user_id!r}"), ("m", "{user_id:>5}"), ("m", "{")],
)
def test_non_plain_fields_are_rejected(template: tuple[str, ...]) -> None:
    with pytest.raises(InvalidNamespaceError):
        resolve_namespace(template, {"configurable": {"user_id": "u"}})


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("a.b", r"contains '\.'"),
        ("", "empty label"),
        ("a\x00", "NUL byte"),
        (True, "string or an integer"),
        (1.5, "string or an integer"),
        (["x"], "string or an integer"),
    ],
)
def test_bad_values_are_rejected(value: object, message: str) -> None:
    with pytest.raises(InvalidNamespaceError, match=message):
        resolve_namespace(("m", "{user_id}"), {"configurable": {"user_id": value}})


def test_filled_root_is_checked_like_any_namespace() -> None:
    with pytest.raises(InvalidNamespaceError, match="reserved"):
        resolve_namespace(("{root}", "x"), root="langgraph")


@pytest.mark.parametrize(
    ("namespace", "message"),
    [
        ((), "cannot be empty"),
        ("memories", "must be a tuple"),
        (("",), "empty label"),
        (("a.b",), r"contains '\.'"),
        (("langgraph", "x"), "reserved"),
        ((1,), "must be strings"),
    ],
)
def test_bad_namespaces(namespace: object, message: str) -> None:
    with pytest.raises(InvalidNamespaceError, match=message):
        resolve_namespace(namespace)  # type: ignore[arg-type]
    with pytest.raises(InvalidNamespaceError, match=message):
        validate_namespace(namespace)
