"""Provider token formats, JWTs and private keys: secrets recognisable by their shape alone.

Each rule has a cheap literal prefilter (checked on the lower-cased text) so a turn with no
``sk-`` in it never runs the OpenAI pattern. Shapes shared with ordinary text (``sk-`` in a
SKU, ``xoxo-`` in a sign-off, 32 hex digits) need a random-looking body or a context word.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import re
from collections.abc import Callable, Iterator
from typing import NamedTuple

from langmem_extract.redact.checksums import base58check_ok
from langmem_extract.redact.values import switch_rate, token_body

Found = tuple[int, int, str, int]


class _Rule(NamedTuple):
    kind: str
    needle: str | tuple[str, ...]  # lower-case literal(s) the text must contain to run
    pattern: re.Pattern[str]
    check: Callable[[str], bool] | None = None  # on the secret group
    context: tuple[str, ...] = ()  # lower-case words; one must occur in the text
    group: int = 0
    priority: int = 0
    min_run: int = 20  # shortest whitespace-free run a match can sit in


def _c(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(pattern, flags)


def _slack_ok(token: str) -> bool:
    return sum(ch.isdigit() for ch in token) >= 8


def _jwt_ok(token: str) -> bool:
    header = token.split(".", 1)[0]
    try:
        raw = base64.urlsafe_b64decode(header + "=" * (-len(header) % 4))
    except (binascii.Error, ValueError):
        return False
    return raw.startswith(b"{") and (b'"alg"' in raw or b'"typ"' in raw)


def _mixed_case(token: str) -> bool:
    return any(c.islower() for c in token) and any(c.isupper() for c in token)


def _aws_secret_ok(value: str) -> bool:
    if switch_rate(value) < 0.375:  # a code name such as V1OrganizationKeysRequestAws
        return False
    has = (
        any(c.islower() for c in value),
        any(c.isupper() for c in value),
        any(c.isdigit() for c in value),
    )
    return all(has) or (sum(has) == 2 and any(c in "/+" for c in value))


_B58 = r"[1-9A-HJ-NP-Za-km-z]"

# fmt: off
_RULES: tuple[_Rule, ...] = (
    # AI providers
    _Rule("anthropic_api_key", "sk-ant-", _c(r"\bsk-ant-[A-Za-z0-9_-]{24,}"), token_body),
    _Rule("openrouter_api_key", "sk-or-", _c(r"\bsk-or-v1-[a-f0-9]{64}\b")),
    _Rule("openai_api_key", "sk-",
          _c(r"\bsk-(?!ant-|or-v1-)(?:(?:proj|svcacct|admin|None)-)?[A-Za-z0-9_-]{20,}"),
          lambda t: token_body(t[3:])),
    _Rule("huggingface_token", "hf_", _c(r"\b(?:hf|api_org)_[A-Za-z0-9]{30,}"), token_body),
    _Rule("xai_api_key", "xai-", _c(r"\bxai-[A-Za-z0-9]{40,}"), token_body),
    _Rule("groq_api_key", "gsk_", _c(r"\bgsk_[A-Za-z0-9]{40,}"), token_body),
    _Rule("replicate_token", "r8_", _c(r"\br8_[A-Za-z0-9]{30,}"), token_body),
    _Rule("perplexity_api_key", "pplx-", _c(r"\bpplx-[A-Za-z0-9]{40,}"), token_body),
    # Cloud
    _Rule("aws_access_key_id", ("akia", "asia", "abia", "acca"), _c(r"\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\b")),
    _Rule("aws_secret_access_key", "", _c(r"(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])"),
          _aws_secret_ok, ("aws", "akia", "asia", "secret_access_key", "secret access key"),
          priority=1),
    _Rule("gcp_api_key", "aiza", _c(r"\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])")),
    _Rule("gcp_oauth_client_secret", "gocspx-", _c(r"\bGOCSPX-[A-Za-z0-9_-]{28,}")),
    _Rule("gcp_access_token", "ya29.", _c(r"\bya29\.[0-9A-Za-z_-]{30,}")),
    _Rule("azure_storage_key", "accountkey=",
          _c(r"\bAccountKey=([A-Za-z0-9+/]{20,}={0,2})", re.I), group=1),
    _Rule("azure_storage_key", "", _c(r"(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{86}==(?![A-Za-z0-9+/=])"),
          context=("azure", "storage", "account key", "accountkey"), priority=1),
    _Rule("azure_shared_access_key", "sharedaccesskey=",
          _c(r"\bSharedAccessKey=([A-Za-z0-9+/]{20,}={0,2})", re.I), group=1),
    _Rule("azure_sas_token", "sig=", _c(r"[?&]sig=([A-Za-z0-9%+/]{20,}(?:%3D|=){0,2})"), group=1),
    _Rule("azure_client_secret", "q~",
          _c(r"(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])")),
    _Rule("digitalocean_token", "_v1_", _c(r"\bdo[opr]_v1_[a-f0-9]{64}\b")),
    _Rule("supabase_token", ("sbp_", "sb_secret_"), _c(r"\b(?:sbp_[a-f0-9]{40}|sb_secret_[A-Za-z0-9_-]{20,})")),
    _Rule("databricks_token", "dapi", _c(r"\bdapi[a-f0-9]{32}(?:-\d)?\b")),
    _Rule("vault_token", ("hvs.", "hvb.", "hvr."), _c(r"\bhv[sbr]\.[A-Za-z0-9_-]{24,}"), token_body),
    _Rule("doppler_token", "dp.", _c(r"\bdp\.(?:st|ct|sa|scim|audit|pt)\.[A-Za-z0-9_.-]{40,}")),
    _Rule("heroku_api_key", "hrku-", _c(r"\bHRKU-[A-Za-z0-9_-]{30,}")),
    # Code hosting and package registries
    _Rule("github_token", ("ghp_", "gho_", "ghu_", "ghs_", "ghr_"), _c(r"\bgh[pousr]_[A-Za-z0-9]{20,}")),
    _Rule("github_token", "github_pat_", _c(r"\bgithub_pat_[A-Za-z0-9_]{20,}")),
    _Rule("gitlab_token", ("glpat-", "gldt-", "glptt-", "glrt-", "glsoat-", "glcbt-", "gloas-",
                           "glffct-", "glimt-", "glagent-"),
          _c(r"\b(?:glpat|gldt|glptt|glrt|glsoat|glcbt|gloas|glffct|glimt|glagent)-[A-Za-z0-9_-]{20,}")),
    _Rule("gitlab_token", "gr1348941", _c(r"\bGR1348941[A-Za-z0-9_-]{20,}")),
    _Rule("npm_token", "npm_", _c(r"\bnpm_[A-Za-z0-9]{36}\b")),
    _Rule("pypi_token", "pypi-age", _c(r"\bpypi-AgE[A-Za-z0-9_-]{50,}")),
    _Rule("atlassian_token", "atatt3", _c(r"\bATATT3[A-Za-z0-9_=-]{100,}")),
    _Rule("postman_api_key", "pmak-", _c(r"\bPMAK-[a-f0-9]{24}-[a-f0-9]{34}\b")),
    _Rule("linear_api_key", "lin_", _c(r"\blin_(?:api|oauth)_[A-Za-z0-9]{32,}")),
    _Rule("notion_token", "ntn_", _c(r"\bntn_[A-Za-z0-9]{40,}"), token_body),
    _Rule("sentry_token", "sntry", _c(r"\bsntry[su]_[A-Za-z0-9+/=_-]{40,}")),
    _Rule("grafana_token", ("glsa_", "glc_"), _c(r"\b(?:glsa_[A-Za-z0-9]{32}_[a-f0-9]{8}|glc_[A-Za-z0-9+/=]{32,})")),
    _Rule("shopify_token", "shp", _c(r"\bshp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}\b")),
    # Messaging and payments
    _Rule("slack_token", "xox", _c(r"\bxox[abposre]-[A-Za-z0-9-]{10,}"), _slack_ok),
    _Rule("slack_token", "xapp-", _c(r"\bxapp-\d-[A-Z0-9]+-\d+-[a-f0-9]{16,}")),
    _Rule("slack_webhook", "hooks.slack.com",
          _c(r"https?://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9/_-]{20,}")),
    _Rule("discord_webhook", "discord",
          _c(r"https?://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/\d+/[A-Za-z0-9_-]{20,}")),
    _Rule("telegram_bot_token", ":aa", _c(r"\b\d{8,10}:AA[A-Za-z0-9_-]{33}(?![A-Za-z0-9_-])")),
    _Rule("stripe_secret_key", ("sk_live_", "sk_test_", "rk_live_", "rk_test_"), _c(r"\b[sr]k_(?:live|test)_[A-Za-z0-9]{16,}")),
    _Rule("stripe_webhook_secret", "whsec_", _c(r"\bwhsec_[A-Za-z0-9+/=]{24,}")),
    _Rule("square_token", "sq0", _c(r"\bsq0(?:atp|csp)-[A-Za-z0-9_-]{22,}")),
    _Rule("meta_access_token", "eaa", _c(r"\bEAA[A-Za-z0-9]{80,}"), _mixed_case),
    _Rule("sendgrid_api_key", "sg.", _c(r"\bSG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{16,64}")),
    _Rule("mailgun_api_key", "key-", _c(r"\bkey-[a-f0-9]{32}\b")),
    _Rule("mailchimp_api_key", "-us", _c(r"\b[a-f0-9]{32}-us\d{1,2}\b")),
    _Rule("twilio_account_sid", "", _c(r"\bAC[0-9a-f]{32}\b"), context=("twilio", "sid")),
    _Rule("twilio_api_key", "", _c(r"\bSK[0-9a-f]{32}\b"), context=("twilio", "sid")),
    _Rule("twilio_auth_token", "", _c(r"(?<![\w-])[0-9a-f]{32}(?![\w-])"),
          context=("twilio",), priority=1),
    # Keys and signed tokens
    _Rule("jwt", "eyj", _c(r"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*"), _jwt_ok,
          min_run=15),
    _Rule("crypto_private_key", "", _c(rf"(?<![A-Za-z0-9])[5KL]{_B58}{{50,51}}(?![A-Za-z0-9])"),
          base58check_ok),
    _Rule("crypto_private_key", "prv", _c(rf"\b[xyzt]prv{_B58}{{100,112}}\b"), base58check_ok),
    _Rule("age_secret_key", "age-secret-key-1", _c(r"\bAGE-SECRET-KEY-1[0-9A-Z]{58}\b")),
)
# fmt: on

# PEM blocks: BEGIN … END, or, when the END line is missing, the base64 lines that follow.
_PEM_BEGIN = _c(r"-----BEGIN ([A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?)-----")
_PEM_END = _c(r"-----END [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----")
_PEM_BODY = _c(
    r"(?:(?:\s|\\[nr])+(?:[A-Za-z0-9+/]{16,}={0,2}|[A-Za-z0-9+/]{1,15}={1,2}|[\w-]+: [^\n\\]*))*"
)


def _pem(text: str) -> Iterator[Found]:
    ends = [m.end() for m in _PEM_END.finditer(text)]
    begins = list(_PEM_BEGIN.finditer(text))
    pos = 0
    for i, m in enumerate(begins):
        if m.start() < pos:
            continue
        k = bisect.bisect_right(ends, m.end())
        end = ends[k] if k < len(ends) else None
        if end is None or (i + 1 < len(begins) and begins[i + 1].start() < end):
            end = _PEM_BODY.match(text, m.end()).end()  # type: ignore[union-attr]
        pos = end
        yield m.start(), end, "private_key", 0


def detect(text: str, lower: str) -> Iterator[Found]:
    # Every token is one long run without spaces; ordinary prose has none, so most turns
    # skip every rule here on this one measurement.
    longest = max(map(len, text.split()), default=0)
    for rule in _RULES:
        if longest < rule.min_run:
            continue
        needle = rule.needle
        if needle and (
            needle not in lower if isinstance(needle, str) else not any(n in lower for n in needle)
        ):
            continue
        if rule.context and not any(w in lower for w in rule.context):
            continue
        for m in rule.pattern.finditer(text):
            value = m.group(rule.group)
            if rule.check is None or rule.check(value):
                yield m.start(rule.group), m.end(rule.group), rule.kind, rule.priority
    if "-----begin" in lower:
        yield from _pem(text)
