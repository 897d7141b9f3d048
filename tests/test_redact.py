from __future__ import annotations

import pytest

from langmem_extract.redact import contains_redaction, has_secret, redact_secrets

SECRETS = [
    ("my key is sk-proj-Ab3dEf6hIj9kLmNoPqRsTuVw", "sk-proj-Ab3dEf6hIj9kLmNoPqRsTuVw"),
    ("use sk-Zx81Qw93Er74Ty65Ui56Op47", "sk-Zx81Qw93Er74Ty65Ui56Op47"),
    ("aws AKIAIOSFODNN7EXAMPLE here", "AKIAIOSFODNN7EXAMPLE"),
    (
        "token ghp_16C7e42F292c6912E7710c838347Ae178B4a ok",
        "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
    ),
    (
        "pat github_pat_11ABCDEFG0123456789_abcdefghijklmnop",
        "github_pat_11ABCDEFG0123456789_abcdefghijklmnop",
    ),
    ("slack xoxb-123456789012-abcdefABCDEF", "xoxb-123456789012-abcdefABCDEF"),
    ("Authorization: Bearer abc123DEF456ghi789", "abc123DEF456ghi789"),
    (
        "jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
        "eyJzdWIiOiIxMjM0NTY3ODkwIn0",
    ),
    ("my password is hunter2!", "hunter2"),
    ("pwd: S3cr3t#Pass", "S3cr3t#Pass"),
    ("the db is postgres://app:pa55w0rd@db.internal/prod", "pa55w0rd"),
    ("card 4111 1111 1111 1111 exp 12/29", "4111 1111 1111 1111"),
    ("card 5500-0000-0000-0004", "5500-0000-0000-0004"),
    (
        "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----",
        "b3BlbnNzaC1rZXktdjEAAAAA",
    ),
]


@pytest.mark.parametrize(("text", "secret"), SECRETS)
def test_secret_is_removed_and_counted(text: str, secret: str) -> None:
    out, n = redact_secrets(text)
    assert secret not in out
    assert n >= 1
    assert contains_redaction(out)


@pytest.mark.parametrize(
    "text",
    [
        "I live in Berlin since 2019, call me at 555-1234",
        "the password is correct",
        "I ran 10 km in 52 minutes on 2023-05-07",
        "order number 1234 5678 9012 3456",  # fails the Luhn check
        "my task is sketching",
        "I prefer email over phone calls",
    ],
)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert redact_secrets(text) == (text, 0)


def test_sentence_stays_readable_around_the_marker() -> None:
    out, n = redact_secrets("My password is hunter2. I live in Paris.")
    assert out == "My password is [REDACTED:password]. I live in Paris."
    assert n == 1


@pytest.mark.parametrize("text", [text for text, _ in SECRETS])
def test_has_secret_finds_every_secret(text: str) -> None:
    assert has_secret(text)
    assert has_secret("a plain sentence", None, text)


def test_has_secret_counts_a_redaction_marker() -> None:
    # the secret was removed upstream: the text still says one was there
    assert has_secret("My password is [REDACTED:password].")
    assert has_secret("cut short [REDACTED:pass")


def test_has_secret_leaves_ordinary_text_alone() -> None:
    assert not has_secret("I prefer email over phone calls", "the password is correct", None, "")
