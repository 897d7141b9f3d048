"""Short numeric secrets that only context makes secret: PINs, one-time codes, door codes, CVVs.

The value must be digits right after a label ("PIN 4821", "your verification code is
482913", "door code: 7712", "CVV 123") or right before "is your … code" (the SMS form
"482913 is your Instagram code"). "The pin is loose", "error code 404", "zip code 94107"
and "promo code SUMMER24" stay: the first has no digits, the others no secret label.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from langmem_extract.redact.values import words

Found = tuple[int, int, str, int]

_CODE = re.compile(
    r"""\b(?P<label>
        (?:verification|verify|security|confirmation|login|log-?in|sign[-\ ]?in|auth|
           authentication|authori[sz]ation|access|one[-\ ]?time|2fa|two[-\ ]factor|mfa|sms|
           otp|totp|recovery|reset|activation|pairing|unlock)\ (?:code|pin|passcode|number)
      | one[-\ ]?time\ (?:password|passcode|pin) | otp | totp | passcode
      | (?P<access>(?:door|gate|alarm|garage|keypad|lock|safe|entry|building|locker|lockbox|
           key\ ?box|intercom|buzzer)(?:\ [a-z]{2,12}){0,2}?\ (?:code|combination|combo|pin)
        | (?:code|combination|combo)\ (?:for|to|of)\ (?:the\ |my\ |our\ )?(?:front\ |back\ |main\ )?
           (?:door|gate|alarm|garage|safe|lock|locker|building|house|apartment|flat|keypad|lockbox))
      | (?P<cvv>cvv2?|cvc2?|csc)
      | (?P<pin>pin(?:\ (?:code|number))?)
    )\b
    (?P<gap>(?:[ \t]+(?:for|to|of|on|at)(?:[ \t]+[\w'’-]{1,30}){1,4}?)?)
    (?:[ \t]+(?:is|was)(?:[ \t]*:)?[ \t]+|['’]s[ \t]+|[ \t]*[:=\#-][ \t]*|[ \t]+)
    (?:(?:now|still|just)[ \t]+)?
    (?P<value>(?:[A-Z]-)?\d{3,12}(?:[ -]\d{3,4})?|\d{1,2}(?:-\d{1,2}){2,3})(?![\w-])
    """,
    re.I | re.X,
)
_CODE_REVERSED = re.compile(
    r"(?<![\w-])(?P<value>(?:[A-Z]-)?\d{4,8})\s+is\s+your\s+(?:[\w.-]+\s+){0,3}?"
    r"(?:code|pin|passcode|otp)\b",
    re.I,
)
# "Enter code 482913", "Your Uber code: 4821": a bare "code" counts only in a text that
# also speaks of verifying, logging in, expiry or not sharing it.
_BARE_CODE = re.compile(r"\bcode\s*(?:is\s*:?|:)?\s*(?P<value>(?:[A-Z]-)?\d{4,8})(?![\w-])", re.I)
_OTP_CONTEXT = re.compile(
    r"verif|log ?in|sign ?in|expire|(?:don't|do not|never) share|2fa|authenticat|one.time|\botp\b"
)
_UNITS = re.compile(
    r"[ \t]+(?:characters?|chars?|digits?|letters?|minutes?|hours?|days?|weeks?|months?|years?|"
    r"times|attempts|tries|people|users|items|km|miles|kg|lbs?)\b",
    re.I,
)
_DIGITS3 = re.compile(r"\d[ -]?\d[ -]?\d")
# Words that can open a label of _CODE.
FIRST_WORDS = words(
    """verification verify security confirmation login log sign signin auth authentication
    authorization authorisation access one onetime 2fa two mfa sms otp totp recovery reset
    activation pairing unlock passcode door gate alarm garage keypad lock safe entry building
    locker lockbox key keybox intercom buzzer code combination combo cvv cvv2 cvc cvc2 csc
    pin"""
)


def _kind(m: re.Match[str], digits: str) -> str | None:
    label = m.group("label").lower()
    if m.group("cvv"):
        return "card_cvv" if len(digits) in (3, 4) else None
    if m.group("access"):
        return "access_code" if 3 <= len(digits) <= 10 else None
    if m.group("pin") or label == "passcode":
        return "pin" if 4 <= len(digits) <= 12 else None
    low = 3 if label.startswith("security") else 4
    return "one_time_code" if low <= len(digits) <= 8 else None


def detect(text: str, lower: str, firsts: list[tuple[int, str]]) -> Iterator[Found]:
    """``firsts``: (offset, word) of each word in ``lower`` that may open a label."""
    if not _DIGITS3.search(text):  # every value has three digits, maybe split
        return
    last = -1
    for pos, word in firsts:
        if pos < last or word not in FIRST_WORDS:
            continue
        m = _CODE.match(text, pos)
        if m is None:
            continue
        last = m.end()
        kind = _kind(m, re.sub(r"\D", "", m.group("value")))
        if kind and not _UNITS.match(text, m.end("value")):
            yield m.start("value"), m.end("value"), kind, 2
    if "your" in lower:
        for m in _CODE_REVERSED.finditer(text):
            yield m.start("value"), m.end("value"), "one_time_code", 2
    if "code" in lower and _OTP_CONTEXT.search(lower):
        for m in _BARE_CODE.finditer(text):
            yield m.start("value"), m.end("value"), "one_time_code", 2
