from __future__ import annotations

import pytest

from langmem_extract.errors import InvalidNamespaceError
from langmem_extract.integrations.namespaces import (
    is_template,
    resolve_namespace,
    template_fields,
    validate_namespace,
)


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


@pytest.mark.parametrize("value", ["a.b", "", True, 1.5, ["x"]])
def test_bad_values_are_rejected(value: object) -> None:
    with pytest.raises(InvalidNamespaceError):
        resolve_namespace(("m", "{user_id}"), {"configurable": {"user_id": value}})


@pytest.mark.parametrize("namespace", [(), "memories", ("",), ("a.b",), ("langgraph", "x"), (1,)])
def test_bad_namespaces(namespace: object) -> None:
    with pytest.raises(InvalidNamespaceError):
        resolve_namespace(namespace)  # type: ignore[arg-type]


def test_validate_returns_tuple() -> None:
    assert validate_namespace(["a", "b"]) == ("a", "b")
