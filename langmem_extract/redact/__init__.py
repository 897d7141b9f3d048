"""Secret redaction, applied by code before text reaches an LLM and before anything is stored.

``find_secrets(text)`` lists the secrets in a text; ``redact_secrets(text)`` replaces each
with a typed ``[REDACTED:<kind>]`` marker and counts them. Detectors, by concern:

* ``tokens``: provider token formats (OpenAI, Anthropic, AWS, GCP, Azure, GitHub, GitLab,
  Slack, Stripe, Twilio, SendGrid, npm, PyPI, Hugging Face, ...), JWTs, private keys.
* ``identifiers``: payment cards (Luhn + issuer), IBANs (mod 97), national ids with a
  check digit or strict structure.
* ``labelled``: values named by a label (``DB_PASSWORD=…``, "my password is …",
  passphrases, PINs, one-time codes).
* ``credentials``: passwords in URLs, auth headers, command-line flags.

``checksums`` holds the check-digit rules and ``values`` the judgement of a value
(random-looking, placeholder, prose, code). ``engine`` merges and replaces.
"""

from langmem_extract.redact.engine import (
    REDACTION_PREFIX,
    SECRET_SKIP_REASON,
    SecretSpan,
    contains_redaction,
    find_secrets,
    has_secret,
    marker,
    redact_secrets,
)

__all__ = [
    "REDACTION_PREFIX",
    "SECRET_SKIP_REASON",
    "SecretSpan",
    "contains_redaction",
    "find_secrets",
    "has_secret",
    "marker",
    "redact_secrets",
]
