"""Secrets named by a label: ``DB_PASSWORD=…``, ``"api_key": "…"``, "my password is …",
"my passphrase is correct horse battery staple", "PIN 4821", "your verification code is …".

How a value after a label is judged:

* Quoted values are literals. An unquoted value after ``=`` in code (a lower-case or
  camelCase name) is an expression when it calls, indexes or dereferences something
  (``get_token(user)``, ``os.environ["X"]``, ``self.password``) or is a bare name without
  digits (``password=password``); after an upper-case env name (``DB_PASSWORD=…``), in a
  query string or a connection string it is a literal.
* Placeholders (``$VAR``, ``${VAR}``, ``<token>``, ``***``, ``your-api-key``, ``None``,
  type names) are never secrets.
* In prose, a word that describes the secret ("is weak", "is expired", "is stored",
  "is the same") is not the secret.
* Strong labels (password, passphrase, api key, client secret, ...) take any literal. Weak
  labels (secret, token, key, credentials, auth) need a value that looks generated, so
  "the secret is patience" and "the key is consistency" stay. A PIN, one-time code, door
  code or CVV is digits only, so "the pin is loose" stays.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from langmem_extract.redact import codes
from langmem_extract.redact.values import (
    identifier_shaped,
    is_descriptive,
    is_type_name,
    looks_random,
    names_itself,
    stands_in,
    trim_value,
    words,
)

Found = tuple[int, int, str, int]

STRONG, WEAK, DIGITS = "strong", "weak", "digits"
LOOSE = "loose"  # "pass": a value must look like a password (letters and digits, 6+)
PHRASE, SEED, CODES = "phrase", "seed", "codes"  # multi-word values

_PASSWORD_WORDS = words(
    "password passwd pwd pw pass passcode passwort kennwort wachtwoord senha mdp "
    "contrasena motdepasse"
)
_KEY_QUALIFIERS = words(
    "api secret private access account master encryption decryption signing client license "
    "licence subscription shared service app auth admin storage webhook sas session "
    "recovery crypto wallet ssh gpg pgp hmac jwt consumer deploy bot personal product"
)
_WEAK_LAST = words("key auth credentials credential creds cred sig signature cookie")
_METADATA = words(
    """length len min max size count ttl expiry expires expiration exp timeout file path dir
    directory url uri endpoint host name names type id ids field fields prompt label hint env
    var header enabled required policy rotation version format regex pattern algorithm alg
    mode strength reset changed updated created at date time limit usage used error message
    msg text placeholder input button manager store provider source location prefix suffix
    ref kind helper validator check status valid scope scopes index idx fingerprint hash
    salt rounds iterations cost chars characters digits min_length strategy backend class
    method module lifetime duration age refresh_interval interval number num counter details
    str utils"""
)
_SPLIT_IDENT = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")


def _ident_label(ident: str) -> tuple[str, str] | None:
    """(kind, strength) for an identifier such as ``DB_PASSWORD`` or ``stripeSecretKey``."""
    comps = [c.lower() for c in _SPLIT_IDENT.findall(ident)]
    if not comps or comps[-1] in _METADATA:
        return None
    last, prev = comps[-1], (comps[-2] if len(comps) > 1 else "")
    if last in _PASSWORD_WORDS:  # a lone "pass:" is as often "1st pass: check ..."
        return "password", (LOOSE if comps == ["pass"] else STRONG)
    if last in ("passphrase", "mnemonic") or (last == "phrase" and prev in ("seed", "recovery")):
        return "passphrase", PHRASE
    if last == "seed" and prev in ("wallet", "bip39", "mnemonic", "recovery", ""):
        return "passphrase", SEED
    if last == "pin":
        return "pin", DIGITS
    if last == "apikey" or (last == "key" and prev == "api"):
        return "api_key", STRONG
    if last == "key" and prev == "private":
        return "private_key", STRONG
    if last == "key" and prev in _KEY_QUALIFIERS:
        return "secret_key", STRONG
    if last in ("secret", "token", "pat"):
        return ("secret" if last == "secret" else "token"), (STRONG if prev else WEAK)
    if any(c in _PASSWORD_WORDS for c in comps):
        return "password", STRONG
    if "secret" in comps:
        return "secret", STRONG
    if "token" in comps:
        return "token", WEAK
    if last in _WEAK_LAST or last == "sessionid":
        return "secret", WEAK
    return None


# Prose labels, one named group per (kind, strength); the first group that matched wins.
_PROSE_GROUPS: dict[str, tuple[str, str]] = {
    "password": ("password", STRONG),
    "phrase": ("passphrase", PHRASE),
    "seed": ("passphrase", SEED),
    "private_key": ("private_key", STRONG),
    "api_key": ("api_key", STRONG),
    "secret_key": ("secret_key", STRONG),
    "secret": ("secret", STRONG),
    "token": ("token", STRONG),
    "codes": ("recovery_code", CODES),
    "answer": ("security_answer", PHRASE),
    "pass": ("password", LOOSE),
    "weak": ("secret", WEAK),
}
_PROSE = re.compile(
    r"""\b(?P<label>
        (?P<password>pass(?:word|wd|code)|pwd|pw|passwort|kennwort|wachtwoord|contrase[ñn]a|senha
           |mot\ de\ passe|(?:wifi|wi-fi|wpa2?|wlan|network|router)\ (?:key|pass))
      | (?P<phrase>pass\ ?phrase|(?:seed|recovery|secret|backup|mnemonic|wallet)\ (?:phrase|words?)
           |mnemonic)
      | (?P<seed>seed)
      | (?P<private_key>private[\ _-]?key)
      | (?P<api_key>api[\ _-]?key)
      | (?P<secret_key>(?:secret|access|master|encryption|signing|license|licence|recovery|client|
           app|consumer|webhook|product|ssh|deploy|subscription)[\ _-]?key)
      | (?P<secret>(?:client|app|consumer|webhook|signing|shared)[\ _-]secret)
      | (?P<token>(?:personal\ access|access|auth|refresh|bearer|session|bot|api|deploy|registry|
           npm|github|gitlab|slack|discord|twilio\ auth|twilio)[\ _-]?token)
      | (?P<codes>(?:recovery|backup)\ codes?)
      | (?P<answer>security\ answer|answer\ to\ (?:my|the)\ security\ question)
      | (?P<pass>pass)
      | (?P<weak>secret|token|key|credentials?|creds)
    )\b
    (?:(?P<gap>(?:[ \t]+(?:for|to|of|on|at|in|with)(?:[ \t]+[\w'’@.-]{1,30}){1,4}?)?)
       (?P<sep>[ \t]+(?:is|was|are|were|ist|war|lautet|es|est|era|é|è)(?:[ \t]*:)?[ \t]+
        |['’]s[ \t]+|[ \t]*(?::|->|=>|=(?!=)|—|–)[ \t]*)
      |(?P<bare>[ \t]+))
    (?:(?:now|still|actually|currently|just|simply|literally|set\ to|changed\ to)[ \t]+)?
    (?P<value>"[^"\n]{1,200}"|“[^”\n]{1,200}”|'[^'\n]{1,200}'|`[^`\n]{1,200}`|[^\s"“`]{1,200})
    """,
    re.I | re.X,
)
# Words that can open a label of _PROSE.
_PROSE_FIRST = words(
    """password passwd passcode pwd pw passwort kennwort wachtwoord contraseña contrasena senha
    mot wifi wi wpa wpa2 wlan network router passphrase pass seed recovery secret backup
    mnemonic wallet private api apikey access master encryption signing license licence client
    app consumer webhook product ssh deploy subscription shared personal auth refresh bearer
    session bot registry npm github gitlab slack discord twilio security answer token key
    credentials credential creds"""
)
_ASSIGN = re.compile(
    r"""(?<![\w.-])(?P<pre>-{1,2})?(?P<q>\\?["']?)
    (?P<ident>[A-Za-z_][A-Za-z0-9_.-]{0,60})(?P=q)
    [ \t]*(?P<op>:=|=(?![=>~])|:(?![:/\\]))[ \t]*
    (?P<value>\\"[^"\n]{0,200}\\"|"[^"\n]{0,200}"|'[^'\n]{0,200}'|`[^`\n]{0,200}`
      |<[^<>\n]{1,60}>|\$?\{\{[^{}\n]{1,80}\}\}|(?:[^\s"'`;&]|&(?![\w.]+=)){1,300})
    """,
    re.X,
)
_OPERATOR = re.compile(r"[:=]")
_IDENT_TAIL = re.compile(
    r"(?<![\w.-])(?:-{1,2})?\\?[\"']?[A-Za-z_][A-Za-z0-9_.-]{0,60}\\?[\"']?[ \t]*$"
)
_LABEL_HINT = re.compile(
    r"pass|pw|pin|secret|token|key|auth|cred|sig|phrase|mnemonic|seed|session|cookie|mdp|senha"
)
# calls, indexing, attribute paths, YAML tags, private names (_AzureKeyT)
_EXPRESSION = re.compile(r"[(\[{]|^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+$|^!\w+$|^_+[A-Za-z]")
_BARE_NAME = re.compile(r"^[A-Za-z_]+$")
# snake_case or camelCase names without digits: variables in `{password: userPassword}`.
_VARIABLE = re.compile(r"^[a-z]+(?:_[a-z]+)+$|^[a-z]+(?:[A-Z][a-z]+)+$")
_CAMEL = re.compile(r"[a-z][A-Z]")
_BACKTICK_CODE = re.compile(r"[(\[{=]| ")
_SMALL_NUMBER = re.compile(r"^(?:\d{1,3}|\d+\.\d+)$")
# After "password: HiddenText" these mean a type annotation: "| None", "]", "= None"
_ANNOTATION = re.compile(r"[ \t]*(?:\||\]|=[ \t]*\w)")
_BARE_IDENT = re.compile(r"^[A-Za-z_]\w*$")
# "Configuration options for ...", "Explicitly-provided API key": a docstring, not a value
_DESCRIPTION = re.compile(r"[A-Z][A-Za-z'-]*,? [A-Za-z]")
_UNITS = re.compile(
    r"[ \t]+(?:characters?|chars?|digits?|letters?|symbols?|words?|long|minutes?|hours?|days?|"
    r"weeks?|months?|years?|times|attempts|tries)\b",
    re.I,
)
_PHRASE_END = re.compile(r"[^.!?;,\n\"“”()]{0,300}")
_CODE_LIST = re.compile(r"[\w-]*\d[\w-]*(?:(?:,\s*|\s+(?:and\s+)?)[\w-]*\d[\w-]*){0,15}")
_QUESTION_WORDS = frozenset(("what", "which", "where", "how", "who", "when", "why"))
_CONJUNCTIONS = words("but and so because now though although for to enough than or")


def _quoted(value: str) -> str | None:
    for open_, close in (('\\"', '\\"'), ('"', '"'), ("'", "'"), ("`", "`"), ("“", "”")):
        if (
            len(value) >= len(open_) + len(close)
            and value.startswith(open_)
            and value.endswith(close)
        ):
            return value[len(open_) : len(value) - len(close)]
    return None


def _code_like(value: str, *, code: bool, names: bool = True) -> bool:
    """An expression or a variable name rather than a literal value. ``code``: a bare name
    is a variable (``password=password``); ``names``: so is a snake/camel name
    (``{password: userPassword}``), which an env file (``DB_PASSWORD=my_secret_pw``) is not."""
    return bool(
        _EXPRESSION.search(value)
        or (names and _VARIABLE.match(value))
        or (code and _BARE_NAME.match(value))
    )


def _code_like_ident(ident: str) -> bool:
    """A name written for code (``client_secret``, ``apiKey``, ``cfg.token``), not prose."""
    return "_" in ident or "." in ident or bool(_CAMEL.search(ident))


def _literal(value: str, strength: str, *, code: bool, prose: bool, names: bool = True) -> bool:
    """Whether an unquoted ``value`` after a label of this strength is a secret literal."""
    if not value or stands_in(value) or names_itself(value) or is_type_name(value):
        return False
    if _SMALL_NUMBER.match(value) and strength != DIGITS:
        return False  # chars_per_token=3.3, token: 5
    if strength == DIGITS:
        return value.isdigit() and 4 <= len(value) <= 12
    if strength == LOOSE:
        return _password_like(value) and any(c.isdigit() for c in value)
    if _code_like(value, code=code, names=names):
        return False
    if is_descriptive(value) or (prose and value.lower() in _QUESTION_WORDS):
        return False
    if strength == WEAK:
        return looks_random(value)
    return len(value) >= 3


def _assignment_matches(text: str, lower: str) -> Iterator[re.Match[str]]:
    """``_ASSIGN`` matches, found from each ``:``/``=`` back to its identifier.

    Scanning for the operator (a one-character class) and checking for a label word just
    before it is ten times cheaper on long turns than trying the pattern at every word.
    """
    last = -1
    for op in _OPERATOR.finditer(text):
        pos = op.start()
        lo = max(0, pos - 66)
        if pos <= last or not _LABEL_HINT.search(lower, lo, pos):
            continue
        tail = _IDENT_TAIL.search(text, lo, pos)
        if tail is None:
            continue
        m = _ASSIGN.match(text, tail.start())
        if m is not None:
            last = m.end("op")
            yield m


def _assignments(text: str, lower: str) -> Iterator[Found]:
    for m in _assignment_matches(text, lower):
        ident = m.group("ident")
        if not _LABEL_HINT.search(ident.lower()):
            continue
        label = _ident_label(ident)
        if label is None:
            continue
        kind, strength = label
        start, end = m.span("value")
        raw = m.group("value")
        inner = _quoted(raw)
        if inner is not None:
            shift = (len(raw) - len(inner)) // 2
            start, end, value = start + shift, end - shift, inner
            if len(inner.strip()) < 3 or stands_in(inner.strip()) or names_itself(inner):
                continue
            if strength == DIGITS and not inner.strip().isdigit():
                continue
            if strength in (WEAK, SEED, LOOSE) and not looks_random(inner):
                continue
        else:
            value = trim_value(raw)
            end = start + len(value)
            before = text[m.start() - 1] if m.start() > 0 else ""
            upper = not any(c.islower() for c in ident)
            if before and before in "?&;":
                code = names = False  # query string or connection string: always a literal
            else:
                # Env files write NAME=value; code spaces the operator or uses lower case.
                spaced = text[m.end("ident") : m.start("value")].startswith((" ", "\t"))
                code = m.group("op") != ":" and (spaced or not upper)
                names = not upper
            if (
                m.group("op") == ":"
                and _BARE_IDENT.match(value)
                and _ANNOTATION.match(text, end)
                and not looks_random(value)  # a generated key is no type name
            ):
                continue  # "password: HiddenText | None"
            # a type, a variable, or a docstring line ("client_secret: Options for ...")
            if (
                _code_like_ident(ident)
                and m.group("op") == ":"
                and (identifier_shaped(value) or _DESCRIPTION.match(text, start))
            ):
                continue
            if strength in (PHRASE, SEED):
                span = _phrase(text, start, strength)
                if span is None or _code_like(value, code=code, names=names):
                    continue
                start, end = span
            elif not _literal(value, strength, code=code, prose=False, names=names) or _UNITS.match(
                text, end
            ):
                continue
        yield start, end, kind, 5 if strength == WEAK else 4


def _phrase(text: str, start: int, strength: str) -> tuple[int, int] | None:
    """Extent of a multi-word value (passphrase, security answer, seed) from ``start``."""
    m = _PHRASE_END.match(text, start)
    parts = (m.group(0) if m else "").split()[:24]
    if not parts:
        return None
    first = trim_value(parts[0])
    if strength == SEED:  # BIP39 seeds are 12-24 lower-case words; "seed: 42" is not one
        if len(parts) < 12 or not all(w.isalpha() and w.islower() for w in parts[:12]):
            return None
    elif is_descriptive(first) and (len(parts) == 1 or parts[1].lower() in _CONJUNCTIONS):
        return None
    if stands_in(first) or first.lower() in _QUESTION_WORDS:
        return None
    end = start
    for word in parts:
        end = text.index(word, end) + len(word)
    return start, start + len(trim_value(text[start:end]))


def _code_list(text: str, start: int) -> tuple[int, int] | None:
    """Recovery codes: the run of comma- or space-separated codes that each carry a digit."""
    m = _CODE_LIST.match(text, start)
    if m is None:
        return None
    return start, start + len(trim_value(m.group(0)))


def _password_like(value: str) -> bool:
    """A value given without a separator ("password Tr0ub4dor&3"): letters with digits or
    with symbols inside them, six characters or more."""
    core = value.strip("()[]{}<>\"'`")
    if len(core) < 6 or is_descriptive(core) or stands_in(core):
        return False
    letters = any(c.isalpha() for c in core)
    digits = any(c.isdigit() for c in core)
    symbols = any(not c.isalnum() for c in core[1:-1])
    return letters and (digits or symbols)


def _prose_match(text: str, m: re.Match[str]) -> Found | None:
    kind, strength = next(_PROSE_GROUPS[g] for g in _PROSE_GROUPS if m.group(g))
    sep = (m.group("sep") or "").strip()
    gap = m.group("gap") or ""
    label = m.group("label")
    if sep[-1:] == "s" and sep[:1] in "'’":
        # "my password's hunter2", but not "the key in OpenAI's docs" or "API key's owner"
        value = trim_value(m.group("value"))
        if gap or not (_password_like(value) if kind == "password" else looks_random(value)):
            return None
    if sep in (":", "=") and not gap and " " not in label:
        return None  # "password: x" is an assignment, judged there
    raw, start = m.group("value"), m.start("value")
    rank = 5 if strength == WEAK else 4
    inner = _quoted(raw)
    if inner is not None:
        inner_ok = (
            len(inner.strip()) >= 3 and not stands_in(inner.strip()) and not names_itself(inner)
        )
        if raw.startswith("`") and _BACKTICK_CODE.search(inner):
            inner_ok = False  # markdown code: "pass `dtype=...`", "`token = get()`"
        if inner_ok and (strength not in (WEAK, LOOSE, SEED) or looks_random(inner)):
            shift = (len(raw) - len(inner)) // 2
            return start + shift, start + shift + len(inner), kind, rank
        return None
    if m.group("bare") is not None:  # "password Tr0ub4dor&3": the value must look the part
        if strength in (PHRASE, SEED, CODES, LOOSE):
            return None
        value = trim_value(raw)
        ok = _password_like(value) if kind == "password" else looks_random(value)
        ok = ok and not stands_in(value) and not _EXPRESSION.search(value)
        return (start, start + len(value), kind, rank) if ok else None
    span = None
    if strength in (PHRASE, SEED):
        span = _phrase(text, start, strength)
    elif strength == CODES:
        span = _code_list(text, start)
    else:
        value = trim_value(raw)
        ok = _literal(value, strength, code=sep == "=", prose=True)
        if sep == ":" and value.isalpha() and _DESCRIPTION.match(text, start):
            ok = False  # "resolved API key: LangSmith keys (used to ...)"
        if ok and not _UNITS.match(text, start + len(value)):
            span = (start, start + len(value))
    return (span[0], span[1], kind, rank) if span else None


def _prose(text: str, firsts: list[tuple[int, str]]) -> Iterator[Found]:
    last = -1
    for pos, word in firsts:
        if pos < last or word not in _PROSE_FIRST:
            continue
        m = _PROSE.match(text, pos)
        if m is None:
            continue
        last = m.end("label")
        found = _prose_match(text, m)
        if found is not None:
            last = max(last, found[1])
            yield found


_WORD = re.compile(r"[^\W_]+")  # "api_key" yields "api", where the label starts
_ALL_FIRST = _PROSE_FIRST | codes.FIRST_WORDS


def detect(text: str, lower: str) -> Iterator[Found]:
    # Trying the long label patterns only where a label's first word stands, rather than
    # at every character, takes them from ~12 ms to under 1 ms on a 4,000-character turn.
    firsts = [(m.start(), m.group()) for m in _WORD.finditer(lower) if m.group() in _ALL_FIRST]
    if ("=" in text or ":" in text) and _LABEL_HINT.search(lower):
        yield from _assignments(text, lower)
    if firsts:
        yield from _prose(text, firsts)
        yield from codes.detect(text, lower, firsts)
