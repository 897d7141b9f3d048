"""Credentials in transport: URLs with a password, auth headers, command-line flags.

"Bearer" and "Basic" are ordinary words too ("bearer instruments", "basic income"), so
outside an ``Authorization`` header the token after them must look generated (bearer) or
decode to ``user:password`` (basic).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator

from langmem_extract.redact.values import (
    identifier_shaped,
    looks_random,
    names_itself,
    stands_in,
    token_body,
    trim_value,
    wordy,
)

Found = tuple[int, int, str, int]

_URL = re.compile(
    r"\b[A-Za-z][A-Za-z0-9+.-]{1,20}://[^\s:/?#@\"'<>]{0,100}:(?P<value>[^\s/?#@\"'<>]{1,200})@"
)
_HEADER = re.compile(
    r"\b(?:proxy-)?authorization\s*[:=]\s*[\"']?(?:(?P<scheme>bearer|basic|token|bot|digest|"
    r"negotiate|apikey|api-key|key|sso-key|hmac)\s+)?(?P<value>[^\s\"',;]{6,})",
    re.I,
)
_CODE = re.compile(r"[(\[{]")
_NAME = re.compile(r"^[a-z_][a-z_.]*,?$")
_SCHEMES = ("bearer", "basic", "token", "bot", "digest", "negotiate", "apikey", "key")
_BEARER = re.compile(r"\bbearer\s+(?P<value>[A-Za-z0-9._~+/-]{8,}=*)", re.I)
_BASIC = re.compile(r"\bbasic\s+(?P<value>[A-Za-z0-9+/]{8,}={0,2})(?![\w+/=])", re.I)
_FLAG = re.compile(
    r"(?<![\w-])--?(?P<flag>password|passwd|pass|pwd|token|api-key|apikey|secret|client-secret|"
    r"access-token|auth-token|private-key)(?:=|[ \t]+)"
    r"(?P<value>\"[^\"\n]{1,200}\"|'[^'\n]{1,200}'|[^\s\"'-][^\s\"']{0,200})",
    re.I,
)
_MYSQL = re.compile(
    r"\b(?:mysql|mysqldump|mysqladmin|mariadb)\b[^\n]{0,200}?[ \t]-p(?P<value>[^\s'\"-][^\s'\"]*)"
)
_SSHPASS = re.compile(r"\bsshpass\s+-p\s*(?P<value>\"[^\"\n]+\"|'[^'\n]+'|\S+)")
_CURL_USER = re.compile(
    r"(?<![\w-])(?:-u|--user)\s+[\"']?(?P<user>[^\s:\"']+):(?P<value>[^\s\"'@]+)"
)
# "Login: jsmith / Summer2024!": a user name, a slash, and a password-looking value.
_LOGIN_PAIR = re.compile(
    r"\b(?:login|log-in|credentials|creds|user(?:name)?\s*(?:and|/|&)\s*pass(?:word)?)\s*"
    r"(?:is|are|:|=)?\s*[\w.@+-]{2,64}\s*[/|]\s*(?P<value>[^\s/|]{4,64})",
    re.I,
)
_NETRC = re.compile(r"\bmachine\s+\S+\s+login\s+\S+\s+password\s+(?P<value>\S+)")


_FLAG_HINTS = (
    "-pass",
    "-pwd",
    "-token",
    "-api",
    "-secret",
    "-client-secret",
    "-access-token",
    "-auth-token",
    "-private-key",
)


def _basic_ok(value: str) -> bool:
    try:
        raw = base64.b64decode(value + "=" * (-len(value) % 4), validate=True)
        decoded = raw.decode("utf-8")
    except (binascii.Error, ValueError):
        return False
    return ":" in decoded[1:] and decoded.isprintable()


def _unquote(m: re.Match[str]) -> tuple[int, int, str]:
    start, end = m.span("value")
    value = m.group("value")
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return start + 1, end - 1, value[1:-1]
    return start, end, value


def _usable(value: str) -> bool:
    return bool(value) and not stands_in(value) and not value.startswith(("$(", "`"))


def detect(text: str, lower: str) -> Iterator[Found]:
    if "://" in text and "@" in text:
        for m in _URL.finditer(text):
            value = m.group("value")
            if (
                _usable(value)
                and not names_itself(value)
                and not (value.isdigit() and len(value) <= 5)
            ):
                yield m.start("value"), m.end("value"), "password", 3
    if "authorization" in lower:
        for m in _HEADER.finditer(text):
            scheme = (m.group("scheme") or "").lower()
            value = m.group("value")
            # code naming a header ("authorization: Optional[str]", "= next((v for ...")
            if (
                _CODE.search(value)
                or value.lower() in _SCHEMES
                or identifier_shaped(value)
                or wordy(value)
                or _NAME.match(value)  # authorization=authorization, dest.authorization
            ):
                continue
            if _usable(value):
                kind = {"basic": "basic_auth", "bearer": "bearer_token"}.get(scheme, "auth_header")
                yield m.start("value"), m.end("value"), kind, 2
    if "bearer" in lower:
        for m in _BEARER.finditer(text):
            value = m.group("value")
            if _usable(value) and (token_body(value) or looks_random(value, 16)):
                yield m.start("value"), m.end("value"), "bearer_token", 2
    if "basic" in lower:
        for m in _BASIC.finditer(text):
            if _basic_ok(m.group("value")):
                yield m.start("value"), m.end("value"), "basic_auth", 2
    if any(f in lower for f in _FLAG_HINTS):
        for m in _FLAG.finditer(text):
            start, end, value = _unquote(m)
            flag = m.group("flag").lower()
            spaced = text[m.end("flag")] != "="
            # "--password hunter2" but not "the --username and --password options"
            if _usable(value) and not ((spaced or flag == "pass") and value.isalpha()):
                kind = "password" if flag.startswith("pass") or flag == "pwd" else "token"
                yield start, end, kind, 3
    for pattern, hints in ((_MYSQL, ("mysql", "mariadb")), (_SSHPASS, ("sshpass",))):
        if any(h in lower for h in hints):
            for m in pattern.finditer(text):
                start, end, value = _unquote(m)
                if _usable(value):
                    yield start, end, "password", 3
    if "-u" in lower or "--user" in lower:
        for m in _CURL_USER.finditer(text):
            value = m.group("value")
            if _usable(value) and not (value.isdigit() and m.group("user").isdigit()):
                yield m.start("value"), m.end("value"), "password", 3
    if "/" in text or "|" in text:
        for m in _LOGIN_PAIR.finditer(text):
            value = trim_value(m.group("value"))
            if _usable(value) and not value.isalpha() and any(c.isalpha() for c in value):
                yield m.start("value"), m.start("value") + len(value), "password", 3
    if "machine" in lower:
        for m in _NETRC.finditer(text):
            if _usable(m.group("value")):
                yield m.start("value"), m.end("value"), "password", 3
