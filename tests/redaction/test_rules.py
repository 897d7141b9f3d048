"""Check digits, the false-positive rules, the public API and bounded running time."""

from __future__ import annotations

import time

import pytest

from langmem_extract.redact import (
    REDACTION_PREFIX,
    SecretSpan,
    contains_redaction,
    find_secrets,
    marker,
    redact_secrets,
)
from langmem_extract.redact import checksums as ck


def test_check_digits_on_published_examples() -> None:
    assert ck.luhn_ok("4111111111111111") and not ck.luhn_ok("4111111111111112")
    assert ck.iban_ok("DE89370400440532013000") and ck.iban_ok("GB82WEST12345698765432")
    assert not ck.iban_ok("GB00WEST12345698765432") and not ck.iban_ok("DE8937040044053201300")
    assert ck.dni_ok("12345678", "Z") and not ck.dni_ok("12345678", "A")
    assert ck.nie_ok("X", "1234567", "L")
    assert ck.bsn_ok("111222333") and not ck.bsn_ok("111222334")
    assert ck.steuer_id_ok("86095742719") and not ck.steuer_id_ok("86095742718")
    assert not ck.steuer_id_ok("12345678901")  # no repeated digit
    assert ck.nir_ok("2550814168025", "38") and not ck.nir_ok("2550814168025", "39")
    assert ck.codice_fiscale_ok("RSSMRA85T10A562S") and not ck.codice_fiscale_ok("RSSMRA85T10A562T")
    assert (
        ck.cpf_ok("11144477735") and not ck.cpf_ok("11144477736") and not ck.cpf_ok("11111111111")
    )
    assert ck.verhoeff_ok("2363") and not ck.verhoeff_ok("2364")
    assert ck.base58check_ok("5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTJ")
    assert not ck.base58check_ok("5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTK")


def test_ssn_validity_rules() -> None:
    assert ck.ssn_ok("123", "45", "6789")
    for area, group, serial in [("000", "12", "3456"), ("666", "12", "3456"), ("912", "12", "3456"),
                                ("123", "00", "4567"), ("123", "45", "0000"), ("078", "05", "1120")]:  # fmt: skip
        assert not ck.ssn_ok(area, group, serial)
    assert redact_secrets("SSN 666-12-3456")[1] == 0


def test_imei_is_not_a_card_but_the_same_digits_after_card_are() -> None:
    imei = "352099001761481"  # Luhn-valid; 15-digit cards are Amex only (34/37)
    assert ck.luhn_ok(imei) and not ck.card_issuer_ok(imei)
    assert redact_secrets(f"IMEI {imei}")[1] == 0
    assert redact_secrets(f"the phone is {imei}")[1] == 0
    assert find_secrets(f"card {imei}") == [SecretSpan("card_number", 5, 20)]


def test_nearest_context_word_decides_a_card() -> None:
    visa = "4539 1488 0343 6467"
    assert redact_secrets(f"order number {visa}")[1] == 0
    assert redact_secrets(f"I paid the order with my card {visa}")[1] == 1
    assert redact_secrets("my SIM card number is 8944754323194875741")[1] == 0
    # a card followed by another number is still found
    out, n = redact_secrets(f"card {visa} 2024")
    assert n == 1 and out == "card [REDACTED:card_number] 2024"


@pytest.mark.parametrize(
    "text",
    [
        "sk-winter-jacket-navy-XL",
        "the pin is loose",
        "bearer instruments",
        "token = get_token(user)",
        "password = request.form['password']",
        "secret_key = settings.SECRET_KEY",
        "api_key = os.environ['OPENAI_API_KEY']",
        "export OPENAI_API_KEY=$OPENAI_API_KEY",
        "password: ${DB_PASSWORD}",
        "password: <your-password>",
        "token: Optional[str] = None",
        "password=password",
        "{ password: userPassword }",
        "UPDATE users SET password = $1 WHERE id = $2",
        "my password is weak",
        "my password expired",
        "the password is the same as before",
        "my password is 12 characters long",
        "the secret to good bread is patience",
        "the key is consistency",
        "seed: 42",
        "xoxo-see-you-tomorrow-babe",
        "commit 9fceb02d0ae598e95dc970b74767f19372d61af8 on aws",
        "error code 404, zip code 94107",
    ],
)
def test_look_alikes_are_left_alone(text: str) -> None:
    assert redact_secrets(text) == (text, 0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("FOO_PASSWORD=hunter2", "FOO_PASSWORD=[REDACTED:password]"),
        ("password = 'hunter2'", "password = '[REDACTED:password]'"),
        ("password = hunter2", "password = [REDACTED:password]"),
        ("pw: dragonfly", "pw: [REDACTED:password]"),
        ("PIN 4821", "PIN [REDACTED:pin]"),
        ('passphrase "open sesame"', 'passphrase "[REDACTED:passphrase]"'),
        (
            "my passphrase is correct horse battery staple.",
            "my passphrase is [REDACTED:passphrase].",
        ),
        (
            "the wifi password for my home is Tr0ub4dor&3",
            "the wifi password for my home is [REDACTED:password]",
        ),
        ("redis://:s3cret@cache:6379", "redis://:[REDACTED:password]@cache:6379"),
        ("OTP: 1234", "OTP: [REDACTED:one_time_code]"),
        ("482913 is your login code", "[REDACTED:one_time_code] is your login code"),
        ("Server=db;Password=Str0ng!;", "Server=db;Password=[REDACTED:password];"),
        ("DB_PASSWORD=my_secret_pw", "DB_PASSWORD=[REDACTED:password]"),
        ("password: hunter_2", "password: [REDACTED:password]"),
        ("Login: jsmith / Summer2024!", "Login: jsmith / [REDACTED:password]"),
    ],
)
def test_labelled_values(text: str, expected: str) -> None:
    assert redact_secrets(text)[0] == expected


def test_find_secrets_reports_kind_and_extent_without_replacing() -> None:
    text = "key sk-proj-Ab3dEf6hIj9kLmNoPqRsTuVw and PIN 4821"
    spans = find_secrets(text)
    assert [s.kind for s in spans] == ["openai_api_key", "pin"]
    assert [text[s.start : s.end] for s in spans] == ["sk-proj-Ab3dEf6hIj9kLmNoPqRsTuVw", "4821"]
    assert redact_secrets(text)[1] == len(spans)
    assert find_secrets("") == [] and redact_secrets("") == ("", 0)


def test_overlapping_finds_merge_into_the_most_specific_kind() -> None:
    out, n = redact_secrets("OPENAI_API_KEY=sk-proj-Ab3dEf6hIj9kLmNoPqRsTuVw")
    assert (out, n) == ("OPENAI_API_KEY=[REDACTED:openai_api_key]", 1)


def test_markers_are_idempotent_and_recognised() -> None:
    text = "my password is [REDACTED:password], key [REDACTED:openai_api_key]"
    assert redact_secrets(text) == (text, 0)
    assert contains_redaction(text) and contains_redaction("title cut at [REDACTED:pass")
    assert not contains_redaction("nothing here")
    assert marker("iban") == f"{REDACTION_PREFIX}iban]"


def test_a_truncated_marker_mid_text_does_not_shield_a_secret() -> None:
    out, n = redact_secrets("[REDACTED:sk-proj-Ab3dEf6hIj9kLmNoPqRsTuVw")
    assert n == 1 and "Ab3dEf6hIj9kLmNoPqRsTuVw" not in out


# Units repeated to 100,000 characters: each aims at a quantifier that could backtrack.
ADVERSARIAL = {
    "letters": "a",
    "digit groups": "1 ",
    "label colons": "password:",
    "label spaces": "pw: ",
    "unterminated keys": "-----BEGIN PRIVATE KEY-----",
    "hyphen runs": "a-",
    "jwt-like": "eyJhbGciOi.",
    "iban-like": "DE89 ",
    "markers": "password: [REDACTED:password] ",
    "gaps": "password for a for a for a ",
    "unclosed quotes": 'token: "',
}


@pytest.mark.parametrize("name", list(ADVERSARIAL))
def test_adversarial_input_redacts_in_bounded_time(name: str) -> None:
    unit = ADVERSARIAL[name]
    text = (unit * (100_000 // len(unit) + 1))[:100_000]
    started = time.perf_counter()
    redact_secrets(text)
    # A sanity bound, far above the measured 0.05-2 s on a loaded 2-core machine: it
    # fails on quadratic or exponential backtracking, not on a slow runner.
    assert time.perf_counter() - started < 20
