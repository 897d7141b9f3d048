"""Judging a candidate value: random-looking, a placeholder, prose, or code."""

from __future__ import annotations

import itertools
import re

_ALNUM_RUN = re.compile(r"[A-Za-z0-9]+")
_DOTTED = re.compile(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+$")  # a module path: a.b._C.__call__


def words(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text``: word lists read as prose."""
    return frozenset(text.split())


# Words that follow "password is" in prose but describe it rather than give it.
DESCRIPTIVE = words(
    """
    a an the my your our his her their its this that these those it same different what which
    not no never too very so quite really still also just now then here there below above
    somewhere nowhere something nothing anything everywhere
    in on at for of to from with without by about like as into inside under over
    correct incorrect wrong right weak strong good bad fine ok okay great terrible secure
    insecure safe unsafe valid invalid expired expiring expires required needed optional
    mandatory missing empty blank long short longer shorter simple complex easy hard obvious
    known unknown new old current temporary default random unique personal private public
    case-sensitive sensitive compromised leaked stolen lost forgotten wrong locked unlocked
    saved stored written hashed encrypted protected managed shared changed reset rotated
    updated generated set sent emailed texted attached included enabled disabled active
    inactive due being been going gone done ready available unavailable visible hidden
    complicated memorable impossible difficult annoying useless fake real working broken
    changing expiring rotating pending failing accepted rejected blocked outdated reused
    repeated length strength expiry format hint complexity policy requirements owner manager
    way thing one ones same-as identical similar stronger weaker better worse used last first
    next previous later earlier soon always sometimes usually often rarely automatically only
    generally typically normally
    must should can cannot can't will won't would has have had needs need contains includes
    does doesn't isn't wasn't is was be
    """
)

# Values that stand for a secret in docs and templates rather than being one.
_PLACEHOLDER = re.compile(
    r"""^(?:
        \$\{?[A-Za-z_][\w.:-]*\}?        # $VAR, ${VAR}, ${{ secrets.X }} is below
      | \$\{\{.*\}\}|\{\{.*\}\}|\{[A-Za-z_][\w.]*\}|%\(?\w*\)?s|%s
      | <[^<>]*> | \[[^\[\]]*\]          # <your-token>, [token]
      | :[A-Za-z_]\w* | \$\d+ | \?         # SQL parameters
      | \W*[*•·]{3,}\W* | x{3,} | X{3,} | \.{2,} | … | -{2,} | _{2,} | \?{2,} | \#{3,}
      | your[-_ ]?[\w-]+ | (?:insert|enter|put|add)[-_ ][\w-]+
      | __\w+__ | .+(?:\.{3}|…)               # a dunder name; an elided example ("sk-...")
      | \w*[-_](?:here|placeholder|example|goes[-_]here)
      | (?:example|sample|dummy|placeholder|redacted|todo|tbd|none|null|nil|undefined|
           true|false|empty|string|str|bytes|int|float|bool|boolean|number|integer|dict|list|
           tuple|set|array|datetime|uuid|path|callable|secretstr|optional|any|object)
    )$""",
    re.I | re.X,
)


# The name of an env variable (OPENAI_API_KEY) stands for its value; case matters here.
_ENV_NAME = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")
# Values that are public by design though shaped like keys: Stripe publishable keys.
_PUBLIC = re.compile(r"^pk_(?:live|test)_")


def stands_in(value: str) -> bool:
    """A placeholder standing in for a secret (``$TOKEN``, ``<password>``, ``***``) or a
    value that is public by design (a Stripe ``pk_live_`` key): never redacted."""
    return bool(_PLACEHOLDER.match(value) or _ENV_NAME.match(value) or _PUBLIC.match(value))


def looks_random(value: str, min_len: int = 12) -> bool:
    """A value shaped like a generated credential: long, mixed characters, no word structure."""
    if len(value) < min_len:
        return False
    digit = lower = upper = other = False
    for ch in value:
        if ch.isdigit():
            digit = True
        elif ch.islower():
            lower = True
        elif ch.isupper():
            upper = True
        else:
            other = True
    letters = lower or upper
    if not letters:
        return False
    classes = digit + lower + upper + other
    if not (digit or classes >= 3 or (lower and upper and len(value) >= 24)):
        return False
    if identifier_shaped(value) or wordy(value) or _DOTTED.match(value):
        return False
    longest = max((len(run) for run in _ALNUM_RUN.findall(value)), default=0)
    return longest >= 10 or (len(value) >= 20 and classes >= 3 and longest >= 6)


def token_body(value: str) -> bool:
    """The random part of a prefixed token: a long alphanumeric run with digits and letters."""
    longest = max((len(run) for run in _ALNUM_RUN.findall(value)), default=0)
    if longest < 12:
        return False
    has_digit = any(ch.isdigit() for ch in value)
    has_lower = any(ch.islower() for ch in value)
    has_upper = any(ch.isupper() for ch in value)
    return (has_digit and (has_lower or has_upper)) or (has_lower and has_upper and longest >= 24)


def is_descriptive(value: str) -> bool:
    """A word that describes a secret in prose ("is weak", "is stored", "was created",
    "is org-scoped") or links to more prose."""
    word = value.lower().rsplit("-", 1)[-1] if value.islower() else value.lower()
    return word in DESCRIPTIVE or (
        word.isalpha() and value.islower() and len(word) >= 5 and word.endswith("ed")
    )


# Words a secret's own name is made of: a value built only from them names the secret
# ("x-api-key", "password", "PASS" in proto://user:PASS@host) rather than being it.
LABEL_WORDS = words(
    """password passwd pass pwd pw passphrase secret token key api apikey auth access x user
    username login credential credentials bearer basic private client id"""
)
_PARTS = re.compile(r"[A-Za-z]+|\d+")


def names_itself(value: str) -> bool:
    parts = _PARTS.findall(value)
    return bool(parts) and all(p.lower() in LABEL_WORDS for p in parts) and len(value) <= 40


_WORD_HUMP = r"(?:[A-Z]?[a-z]{2,}|[A-Z]{2,4}(?![a-z]))"
_IDENTIFIER = re.compile(rf"_*{_WORD_HUMP}+(?:_+(?:{_WORD_HUMP}+|\d+))*\d{{0,2}}")
_HUMP = re.compile(r"[A-Z]?[a-z]{2,}|[A-Z]{2,4}(?![a-z])")


_TYPE_NAME = re.compile(
    r"_?(?:[A-Z][a-z0-9]+)+(?:Str|Bytes|Params?|Type|Config|Model|Field|Secret|Token|Key|Auth|"
    r"Credentials?|Dict|List|Object|Options|Settings|Info|Data|Spec|Details|Response|Request)"
)


def is_type_name(value: str) -> bool:
    """A class name such as ``SecretBytes`` or ``ClientSecret`` (``password: SecretStr``)."""
    return bool(_TYPE_NAME.fullmatch(value))


def identifier_shaped(value: str) -> bool:
    """Built from words like a code name: ``ClientSecret``, ``userPassword``,
    ``keep_old_secret_active_for_24_hours``. Random tokens almost never decompose so (2% of
    random 12-letter strings, none with digits inside)."""
    if not _IDENTIFIER.fullmatch(value):
        return False
    humps = [h for h in _HUMP.findall(value) if h[-1].islower()]
    return len(humps) >= 2 and sum(map(len, humps)) / len(humps) >= 4


def wordy(value: str) -> bool:
    """Words joined by punctuation ("tenant:acme:support-v1", "Differences:**")."""
    runs = _ALNUM_RUN.findall(value)
    return any(len(r) >= 4 for r in runs) and all(
        len(r) <= 3 or (r.isalpha() and (r.islower() or r.istitle() or r.isupper())) for r in runs
    )


def switch_rate(value: str) -> float:
    """How often consecutive characters change class (lower, upper, digit, symbol).

    Random base64 changes at ~0.64 of positions (0.1st percentile 0.38 at 40 characters);
    code names change only at word boundaries (~0.3)."""
    classes = [
        0 if c.islower() else 1 if c.isupper() else 2 if c.isdigit() else 3
        for c in value
        if c not in "_-"
    ]
    changes = sum(a != b for a, b in itertools.pairwise(classes))
    return changes / max(1, len(classes) - 1)


def trim_value(value: str) -> str:
    """Drop sentence punctuation and unbalanced closing brackets from a bare value's end.

    A trailing "!" is kept: passwords often end with one, and redacting it costs nothing.
    """
    while value and value[-1] in ".,;:?)]}>'\"":
        ch = value[-1]
        opener = {")": "(", "]": "[", "}": "{", ">": "<"}.get(ch)
        if opener and value.count(opener) >= value.count(ch):
            break
        value = value[:-1]
    return value
