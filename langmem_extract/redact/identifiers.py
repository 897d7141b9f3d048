"""Payment cards, IBANs and national identity numbers: digits that a check digit vouches for.

Rules for telling them from look-alikes:

* A card is 13-19 digits, written as one run or in the usual groups (4-4-4-4, 4-6-5, ...),
  and passes Luhn. It is redacted when an issuer range covers its prefix *and* allows its
  length, or when a card word ("card", "visa", "credit", ...) is the nearest context word.
  The nearest context word wins: after "IMEI", "order", "tracking", "ISBN", "phone" and
  similar it is not a card. A Luhn-valid 15-digit IMEI is therefore kept even without
  context, because the only 15-digit card range is Amex (34/37) and no IMEI starts so.
* An IBAN has a registered country length and passes mod 97.
* National ids have a check digit or a strict structure; formats that ordinary numbers
  share (nine or eleven bare digits) also need a context word such as "BSN" or "Steuer-ID".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import NamedTuple

from langmem_extract.redact import checksums as ck

Found = tuple[int, int, str, int]

# Digit groups joined by single spaces or hyphens, not part of a word, decimal or phone number.
_DIGIT_RUN = re.compile(r"(?<![\w+#.,/])\d+(?:[ -]\d+)*(?![.,]\d)(?!\w)")
_GROUP = re.compile(r"\d+")
_CARD_WORDS = re.compile(
    r"\b(?:card|cards|visa|mastercard|master card|amex|american express|discover|diners|jcb|"
    r"unionpay|maestro|credit|debit|cc|cc#|pan|payment)\b"
)
_NOT_CARD_WORDS = re.compile(
    r"\b(?:imeisv|imei|meid|iccid|sim card|sim|serial|s/n|sn|order|orders|tracking|track|parcel|"
    r"shipment|invoice|isbn|ean|upc|gtin|barcode|receipt|transaction|txn|reference|ref|"
    r"ticket|booking|phone|tel|mobile|fax|account|acct|routing|member|membership|policy)\b"
)
_CARD_GROUPS = ((4, 6, 5), (4, 6, 4), (4, 4, 5))


def _card_format_ok(candidate: str) -> bool:
    groups = re.split(r"[ -]", candidate)
    if len(groups) == 1:
        return True
    if len({ch for ch in candidate if not ch.isdigit()}) > 1:
        return False  # mixed separators: "1234-5678 9012 3456" is not how cards are written
    sizes = tuple(len(g) for g in groups)
    return sizes in _CARD_GROUPS or (all(s == 4 for s in sizes[:-1]) and 1 <= sizes[-1] <= 4)


def _nearest_is(lower: str, start: int, end: int) -> str | None:
    """'card' or 'other' for the context word nearest before the number, else None."""
    window = lower[max(0, start - 40) : start]
    best: tuple[int, str] | None = None
    for pattern, label in ((_CARD_WORDS, "card"), (_NOT_CARD_WORDS, "other")):
        for m in pattern.finditer(window):
            # On a tie ("SIM card") the longer, non-card phrase wins.
            if best is None or m.end() > best[0] or (m.end() == best[0] and label == "other"):
                best = (m.end(), label)
    if best is None:
        after = lower[end : end + 25]
        if _NOT_CARD_WORDS.search(after) and not _CARD_WORDS.search(after):
            return "other"
        return "card" if _CARD_WORDS.search(after) else None
    return best[1]


def _card_at(text: str, lower: str, start: int, end: int) -> bool:
    candidate = text[start:end]
    digits = candidate.replace(" ", "").replace("-", "")
    if len(set(digits)) == 1 or not _card_format_ok(candidate) or not ck.luhn_ok(digits):
        return False
    context = _nearest_is(lower, start, end)
    return context == "card" or (context is None and ck.card_issuer_ok(digits))


def _cards(text: str, lower: str) -> Iterator[Found]:
    # A run of digit groups may hold a card among other numbers ("4111 1111 1111 1111 2024"):
    # try each window of whole groups that adds up to 13-19 digits, leftmost first.
    for run in _DIGIT_RUN.finditer(text):
        groups = [(g.start(), g.end()) for g in _GROUP.finditer(text, run.start(), run.end())]
        i = 0
        while i < len(groups):
            total, hit = 0, None
            for j in range(i, len(groups)):
                total += groups[j][1] - groups[j][0]
                if total > 19:
                    break
                if total >= 13 and _card_at(text, lower, groups[i][0], groups[j][1]):
                    hit = j
                    break
            if hit is None:
                i += 1
                continue
            yield groups[i][0], groups[hit][1], "card_number", 1
            i = hit + 1


_IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]){11,30}(?![A-Za-z0-9])")


def _ibans(text: str) -> Iterator[Found]:
    # Not finditer: a greedy match may run into the next IBAN ("... 55 my iban is gb73 ..."),
    # so the search resumes after the IBAN found, or one word on when there was none.
    pos = 0
    while (m := _IBAN.search(text, pos)) is not None:
        pos = m.start() + 1
        raw = m.group(0)
        length = ck.IBAN_LENGTHS.get(raw[:2].upper())
        if length is None:
            continue
        kept = 0
        for i, ch in enumerate(raw):
            if ch != " ":
                kept += 1
                if kept == length:
                    end = i + 1
                    break
        else:
            continue
        if end < len(raw) and raw[end] != " ":
            continue  # the country length ends inside a group: not an IBAN
        compact = raw[:end].replace(" ", "").upper()
        if ck.iban_ok(compact):
            pos = m.start() + end
            yield m.start(), m.start() + end, "iban", 1


class _IdRule(NamedTuple):
    kind: str
    pattern: re.Pattern[str]
    check: Callable[[re.Match[str]], bool]
    context: re.Pattern[str] | None  # None: the format alone is enough


def _digits(m: re.Match[str]) -> str:
    return re.sub(r"\D", "", m.group(0))


_SSN_CTX = re.compile(r"\b(?:ssn|ssns|social security|social-security|itin|tax id|taxpayer)\b")
_NINO_CTX = re.compile(r"\b(?:national insurance|nino|ni number|ni no|ni)\b")
_DNI_CTX = re.compile(r"\b(?:dni|nif|nie|documento|identidad|id)\b")
_BSN_CTX = re.compile(r"\b(?:bsn|burgerservicenummer|sofinummer|sofi|citizen service)\b")
_STEUER_CTX = re.compile(
    r"(?:steuer|\bidnr\b|identifikationsnummer|\btax id|tax identification|\btin\b)"
)
_NIR_CTX = re.compile(
    r"(?:sécurité sociale|securite sociale|\bsécu\b|\bsecu\b|\bnir\b|insee|vitale)"
)
_CF_CTX = re.compile(r"codice fiscale|\bcf\b|fiscal code")
_CPF_CTX = re.compile(r"\bcpf\b")
_SIN_CTX = re.compile(r"\b(?:sin|social insurance|nas)\b")
_AADHAAR_CTX = re.compile(r"\b(?:aadhaar|aadhar|uidai|uid)\b")
_ANY = r"[0-9LMNPQRSTUV]"  # codice fiscale digit positions (letters replace digits on clashes)
_ANY_I = r"[0-9LMNPQRSTUVlmnpqrstuv]"

# fmt: off
_ID_RULES: tuple[_IdRule, ...] = (
    _IdRule("us_ssn", re.compile(r"(?<![\w-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\w-])"),
            lambda m: ck.ssn_ok(m[1], m[3], m[4]), None),
    _IdRule("us_ssn", re.compile(r"(?<![\w-])(\d{3})(\d{2})(\d{4})(?![\w-])"),
            lambda m: ck.ssn_ok(m[1], m[2], m[3]), _SSN_CTX),
    _IdRule("us_itin", re.compile(r"(?<![\w-])(9\d{2})([- ]?)(\d{2})\2(\d{4})(?![\w-])"),
            lambda m: ck.itin_ok(m[1], m[3], m[4]), _SSN_CTX),
    _IdRule("uk_nino", re.compile(r"\b([A-Z]{2}) (\d{2}) (\d{2}) (\d{2}) ([A-D])\b"),
            lambda m: ck.nino_ok(m[1]), None),
    _IdRule("uk_nino", re.compile(r"\b([A-Za-z]{2}) ?(\d{2}) ?(\d{2}) ?(\d{2}) ?([A-Da-d])\b"),
            lambda m: ck.nino_ok(m[1].upper()), _NINO_CTX),
    _IdRule("es_dni", re.compile(r"(?<![\w-])(\d{8})-?([A-Z])\b"),
            lambda m: ck.dni_ok(m[1], m[2]), None),
    _IdRule("es_dni", re.compile(r"(?<![\w-])(\d{8}) ([A-Z])\b"),
            lambda m: ck.dni_ok(m[1], m[2]), _DNI_CTX),
    _IdRule("es_dni", re.compile(r"(?<![\w-])(\d{8})[- ]?([a-z])\b"),
            lambda m: ck.dni_ok(m[1], m[2].upper()), _DNI_CTX),
    _IdRule("es_nie", re.compile(r"\b([XYZxyz])[- ]?(\d{7})[- ]?([A-Za-z])\b"),
            lambda m: ck.nie_ok(m[1].upper(), m[2], m[3].upper()), None),
    _IdRule("nl_bsn", re.compile(r"(?<![\w.-])\d{4}\.?\d{2}\.?\d{3}(?![\w-])|(?<![\w-])\d{3} \d{3} \d{3}(?![\w-])"),
            lambda m: ck.bsn_ok(_digits(m)), _BSN_CTX),
    _IdRule("de_tax_id", re.compile(r"(?<![\w-])\d{2} ?\d{3} ?\d{3} ?\d{3}(?![\w-])"),
            lambda m: ck.steuer_id_ok(_digits(m)), _STEUER_CTX),
    _IdRule("fr_nir", re.compile(r"\b([1-478]) (\d{2}) (\d{2}) (\d{2}|2[AB]) (\d{3}) (\d{3}) (\d{2})\b"),
            lambda m: ck.nir_ok("".join(m.groups()[:6]), m[7]), None),
    _IdRule("fr_nir", re.compile(r"\b([1-478]\d{4}(?:\d{2}|2[AB])\d{6})(\d{2})\b"),
            lambda m: ck.nir_ok(m[1], m[2]), _NIR_CTX),
    _IdRule("it_fiscal_code",
            re.compile(rf"\b[A-Z]{{6}}{_ANY}{{2}}[ABCDEHLMPRST]{_ANY}{{2}}[A-Z]{_ANY}{{3}}[A-Z]\b"),
            lambda m: ck.codice_fiscale_ok(m[0]), None),
    _IdRule("it_fiscal_code",
            re.compile(rf"\b[A-Za-z]{{6}}{_ANY_I}{{2}}[A-Za-z]{_ANY_I}{{2}}[A-Za-z]{_ANY_I}{{3}}[A-Za-z]\b"),
            lambda m: ck.codice_fiscale_ok(m[0].upper()), _CF_CTX),
    _IdRule("br_cpf", re.compile(r"(?<![\w.-])\d{3}\.\d{3}\.\d{3}-\d{2}(?![\w-])"),
            lambda m: ck.cpf_ok(_digits(m)), None),
    _IdRule("br_cpf", re.compile(r"(?<![\w.-])\d{11}(?![\w-])"),
            lambda m: ck.cpf_ok(m[0]), _CPF_CTX),
    _IdRule("ca_sin", re.compile(r"(?<![\w-])\d{3}([ -]?)\d{3}\1\d{3}(?![\w-])"),
            lambda m: ck.luhn_ok(_digits(m)) and m[0][0] not in "08", _SIN_CTX),
    _IdRule("in_aadhaar", re.compile(r"(?<![\w-])[2-9]\d{3}([ -]?)\d{4}\1\d{4}(?![\w-])"),
            lambda m: ck.verhoeff_ok(_digits(m)), _AADHAAR_CTX),
)
# fmt: on


_LETTER_RULES = tuple(r for r in _ID_RULES if r.kind == "it_fiscal_code")


def _ids(text: str, lower: str, rules: tuple[_IdRule, ...]) -> Iterator[Found]:
    for rule in rules:
        for m in rule.pattern.finditer(text):
            if rule.context is not None:
                lo, hi = max(0, m.start() - 60), min(len(lower), m.end() + 30)
                if not rule.context.search(lower, lo, hi):
                    continue
            if rule.check(m):
                yield m.start(), m.end(), rule.kind, 1


# Every card, IBAN and national id except the codice fiscale has six digits in a row,
# allowing one separator between them; a turn without such a cluster skips those rules.
_DIGIT_CLUSTER = re.compile(r"\d(?:[ .-]?\d){5}")


def detect(text: str, lower: str) -> Iterator[Found]:
    if _DIGIT_CLUSTER.search(text):
        yield from _cards(text, lower)
        yield from _ibans(text)
        yield from _ids(text, lower, _ID_RULES)
    else:
        yield from _ids(text, lower, _LETTER_RULES)
