"""Writes tests/redaction/secrets.jsonl: invented, format-valid secrets in natural chat turns.

Every value is drawn from a seeded generator and given correct check digits (Luhn, mod 97,
national-id rules, Base58Check), so none is a real credential and each is one the redactor
must catch. Each line: {"text": ..., "secrets": [{"value": ..., "kind": ...}]}, where
"kind" is the marker kind expected and "value" the exact substring that must disappear.

    python tests/redaction/generate.py
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import string
from pathlib import Path

from langmem_extract.redact import checksums as ck

R = random.Random(20240611)
ALNUM = string.ascii_letters + string.digits
B64 = ALNUM + "+/"
URLSAFE = ALNUM + "-_"
HEX = "0123456789abcdef"


def rand(alphabet: str, n: int) -> str:
    while True:
        s = "".join(R.choice(alphabet) for _ in range(n))
        needs_digit = any(c.isdigit() for c in alphabet) and alphabet != HEX
        if not needs_digit or (any(c.isdigit() for c in s) and any(c.isalpha() for c in s)):
            return s


def digits(n: int) -> str:
    return "".join(R.choice(string.digits) for _ in range(n))


def luhn_complete(prefix: str, length: int) -> str:
    body = prefix + digits(length - len(prefix) - 1)
    return next(body + d for d in string.digits if ck.luhn_ok(body + d))


def iban(country: str, bban: str) -> str:
    rearranged = bban + country + "00"
    number = int("".join(str(int(ch, 36)) for ch in rearranged))
    code = f"{country}{98 - number % 97:02d}{bban}"
    assert ck.iban_ok(code)
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))


def ssn() -> str:
    area = R.choice([a for a in range(1, 900) if a != 666])
    return f"{area:03d}-{R.randint(1, 99):02d}-{R.randint(1, 9999):04d}"


def nino() -> str:
    first = R.choice("ABCEGHJKLMNOPRSTWXYZ")
    second = R.choice("ABCEGHJKLMNPRSTWXYZ")
    while not ck.nino_ok(first + second):
        second = R.choice("ABCEGHJKLMNPRSTWXYZ")
    d = digits(6)
    return f"{first}{second} {d[:2]} {d[2:4]} {d[4:]} {R.choice('ABCD')}"


def dni() -> str:
    n = digits(8)
    return n + "TRWAGMYFPDXBNJZSQVHLCKE"[int(n) % 23]


def nie() -> str:
    first, n = R.choice("XYZ"), digits(7)
    return first + n + "TRWAGMYFPDXBNJZSQVHLCKE"[int(str("XYZ".index(first)) + n) % 23]


def bsn() -> str:
    while True:
        body = str(R.randint(1, 9)) + digits(7)
        for d in string.digits:
            if ck.bsn_ok(body + d):
                return body + d


def steuer_id() -> str:
    while True:
        pool = R.sample(string.digits, 9)
        head = [*pool, R.choice(pool)]
        R.shuffle(head)
        body = "".join(head)
        if body[0] == "0":
            continue
        for d in string.digits:
            if ck.steuer_id_ok(body + d):
                return body + d


def nir() -> str:
    body = f"{R.choice('12')}{R.randint(40, 99):02d}{R.randint(1, 12):02d}{R.randint(1, 95):02d}{digits(3)}{digits(3)}"
    return f"{body[0]} {body[1:3]} {body[3:5]} {body[5:7]} {body[7:10]} {body[10:13]} {97 - int(body) % 97:02d}"


def codice_fiscale() -> str:
    letters = string.ascii_uppercase
    body = (
        "".join(R.choice(letters) for _ in range(6)) + digits(2) + R.choice("ABCDEHLMPRST")
        + f"{R.randint(1, 71):02d}" + R.choice(letters) + digits(3)
    )  # fmt: skip
    return next(body + c for c in letters if ck.codice_fiscale_ok(body + c))


def cpf() -> str:
    while True:
        body = digits(9)
        for a in string.digits:
            for b in string.digits:
                full = body + a + b
                if ck.cpf_ok(full):
                    return f"{full[:3]}.{full[3:6]}.{full[6:9]}-{full[9:]}"


def sin() -> str:
    s = luhn_complete(str(R.randint(1, 7)), 9)
    return f"{s[:3]} {s[3:6]} {s[6:]}"


def aadhaar() -> str:
    body = str(R.randint(2, 9)) + digits(10)
    full = next(body + d for d in string.digits if ck.verhoeff_ok(body + d))
    return f"{full[:4]} {full[4:8]} {full[8:]}"


def b58encode(raw: bytes) -> str:
    n = int.from_bytes(raw, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"[r] + out
    return "1" * (len(raw) - len(raw.lstrip(b"\0"))) + out


def wif() -> str:
    body = b"\x80" + R.randbytes(32) + b"\x01"
    return b58encode(body + hashlib.sha256(hashlib.sha256(body).digest()).digest()[:4])


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def jwt() -> str:
    header = b64url(b'{"alg":"HS256","typ":"JWT"}')
    payload = b64url(
        json.dumps({"sub": digits(8), "name": "Test User", "iat": 1718000000}).encode()
    )
    return f"{header}.{payload}.{b64url(R.randbytes(32))}"


def pem(kind: str = "RSA PRIVATE KEY") -> tuple[str, str]:
    body = base64.b64encode(R.randbytes(120)).decode()
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return f"-----BEGIN {kind}-----\n" + "\n".join(lines) + f"\n-----END {kind}-----", lines[0]


def aws_key_id() -> str:
    return "AKIA" + "".join(R.choice(string.ascii_uppercase + "234567") for _ in range(16))


def aws_secret() -> str:
    while True:
        s = rand(B64, 40)
        if (
            any(c.isupper() for c in s)
            and any(c.islower() for c in s)
            and any(c.isdigit() for c in s)
        ):
            return s


def card(prefix: str, length: int, sep: str = " ") -> str:
    n = luhn_complete(prefix, length)
    if length == 15:
        return sep.join((n[:4], n[4:10], n[10:]))
    return sep.join(n[i : i + 4] for i in range(0, length, 4))


def main() -> None:
    rows: list[tuple[str, list[tuple[str, str]]]] = []

    def add(template: str, *secrets: tuple[str, str]) -> None:
        rows.append((template.format(*[v for v, _ in secrets]), list(secrets)))

    pw = lambda: rand(ALNUM, R.randint(9, 14)) + R.choice("!#%&*")  # noqa: E731
    # Passwords given every way people give them
    add("My password is {}. I live in Porto now.", (pw(), "password"))
    add("the wifi password for my home is {}", (pw(), "password"))
    add("FOO_PASSWORD={}", (pw(), "password"))
    add("my .env has DB_PASSWORD={} in it, is that bad?", (pw(), "password"))
    add("pw: {}", (pw(), "password"))
    add("login is admin, pwd: {}", (pw(), "password"))
    add("The password to the guest network is {} if anyone asks.", (pw(), "password"))
    add("My new password's {} btw", (pw(), "password"))
    add('config: {{"user": "svc", "password": "{}"}}', (pw(), "password"))
    add("the router admin password: {}", (pw(), "password"))
    add("Server=db01;Database=app;User Id=sa;Password={};", (pw(), "password"))
    add("connect with postgres://app:{}@db.internal:5432/prod", (pw(), "password"))
    add("cache is at redis://:{}@10.0.4.12:6379/0", (pw(), "password"))
    add("run mysql -u root -p{} shop", (pw(), "password"))
    add("curl -u admin:{} https://ci.internal/api", (pw(), "password"))
    add("psql --password={} works for me", (pw(), "password"))
    add("Mein Passwort ist {}", (pw(), "password"))
    add("machine api.internal login deploy password {}", (pw(), "password"))
    add("my password is sunshine42 and I reuse it everywhere", ("sunshine42", "password"))
    # Passphrases, security answers
    add("my passphrase is {}.", ("correct horse battery staple", "passphrase"))
    add(
        "The passphrase for my backup disk is {}, do not lose it",
        ("purple monkey dishwasher seventeen", "passphrase"),
    )
    add(
        "my seed phrase is {}.",
        (
            "abandon ability able about above absent absorb abstract absurd abuse access accident",
            "passphrase",
        ),
    )
    add("GPG_PASSPHRASE='{}'", ("tangerine otter 42 lighthouse", "passphrase"))
    add("the answer to my security question is {}", ("Fluffy McWhiskers", "security_answer"))
    # PINs and codes
    add("my bank PIN is {}", (digits(4), "pin"))
    add("PIN {} for the card ending 1234", (digits(4), "pin"))
    add("the pin for the garage opener is {}", (digits(6), "pin"))
    add("phone passcode: {}", (digits(6), "pin"))
    add("your verification code is {}", (digits(6), "one_time_code"))
    add("OTP: {}", (digits(4), "one_time_code"))
    add("{} is your Instagram code. Don't share it.", (digits(6), "one_time_code"))
    add("Your login code: {} (expires in 10 minutes)", (digits(6), "one_time_code"))
    add("2FA code {} just arrived", (digits(6), "one_time_code"))
    add("the door code is {}", (digits(4), "access_code"))
    add("alarm code {}, gate code {}", (digits(4), "access_code"), (digits(5), "access_code"))
    add("CVV {} exp 09/28", (digits(3), "card_cvv"))
    # Cards
    add("card {}", (card("4", 16), "card_number"))
    add("my visa is {} exp 11/27", (card("45", 16, ""), "card_number"))
    add("use the mastercard {}", (card("53", 16, "-"), "card_number"))
    add("amex {}", (card("37", 15), "card_number"))
    add("Charge it to {} please", (card("6011", 16), "card_number"))
    add("new card: {}", (card("2221", 16), "card_number"))
    # IBANs
    add("my IBAN is {}", (iban("DE", digits(18)), "iban"))
    add("send it to {} (Barclays)", (iban("GB", "BARC" + digits(14)), "iban"))
    add("rent goes to {}", (iban("FR", digits(23)), "iban"))
    add("IBAN: {}", (iban("NL", "ABNA" + digits(10)), "iban"))
    add("mi cuenta es {}", (iban("ES", digits(20)), "iban"))
    # National ids
    add("my SSN is {}", (ssn(), "us_ssn"))
    add("SSN: {} for the tax form", (ssn(), "us_ssn"))
    add("spouse social security number {}", (ssn(), "us_ssn"))
    add("my NI number is {}", (nino(), "uk_nino"))
    add("National Insurance: {}", (nino(), "uk_nino"))
    add("mi DNI es {}", (dni(), "es_dni"))
    add("DNI {} para la reserva", (dni(), "es_dni"))
    add("my NIE is {}", (nie(), "es_nie"))
    add("mijn BSN is {}", (bsn(), "nl_bsn"))
    add("BSN: {}", (bsn(), "nl_bsn"))
    add("meine Steuer-ID ist {}", (steuer_id(), "de_tax_id"))
    add("Steuerliche Identifikationsnummer: {}", (steuer_id(), "de_tax_id"))
    add("mon numéro de sécu est {}", (nir(), "fr_nir"))
    add("il mio codice fiscale è {}", (codice_fiscale(), "it_fiscal_code"))
    add("codice fiscale {}", (codice_fiscale(), "it_fiscal_code"))
    add("meu CPF é {}", (cpf(), "br_cpf"))
    add("my SIN is {}", (sin(), "ca_sin"))
    add("Aadhaar number {}", (aadhaar(), "in_aadhaar"))
    # Auth headers, keys, signed tokens
    add("Authorization: Bearer {}", (rand(URLSAFE, 40), "bearer_token"))
    add("call it with bearer {}", (rand(ALNUM, 32), "bearer_token"))
    basic = base64.b64encode(f"deploy:{pw()}".encode()).decode()
    add("Authorization: Basic {}", (basic, "basic_auth"))
    key, line = pem()
    rows.append((f"here is the deploy key:\n{key}", [(line, "private_key")]))
    key2, line2 = pem("OPENSSH PRIVATE KEY")
    rows.append((f"my ssh key {key2} thanks", [(line2, "private_key")]))
    add("token {}", (jwt(), "jwt"))
    add("the id_token was {}", (jwt(), "jwt"))
    # Providers
    add("my OpenAI key is sk-{}", (rand(ALNUM, 48), "openai_api_key"))
    add("OPENAI_API_KEY=sk-proj-{}", (rand(URLSAFE, 120), "openai_api_key"))
    add("use sk-ant-api03-{}AA for claude", (rand(URLSAFE, 93), "anthropic_api_key"))
    add("ANTHROPIC_API_KEY=sk-ant-api03-{}AA", (rand(URLSAFE, 93), "anthropic_api_key"))
    kid, secret = aws_key_id(), aws_secret()
    add("AWS key {} / {}", (kid, "aws_access_key_id"), (secret, "aws_secret_access_key"))
    add(
        "aws_access_key_id = {}\naws_secret_access_key = {}",
        (aws_key_id(), "aws_access_key_id"),
        (aws_secret(), "aws_secret_access_key"),
    )
    add("my AWS secret access key is {}", (aws_secret(), "aws_secret_access_key"))
    add("maps key AIza{}", (rand(URLSAFE, 35), "gcp_api_key"))
    add("GOOGLE_API_KEY=AIza{}", (rand(URLSAFE, 35), "gcp_api_key"))
    sa_key, sa_line = pem("PRIVATE KEY")
    escaped = sa_key.replace("\n", "\\n")
    rows.append(
        (
            f'{{"type": "service_account", "project_id": "demo", "private_key": "{escaped}\\n", '
            f'"client_email": "svc@demo.iam.gserviceaccount.com"}}',
            [(sa_line, "private_key")],
        )
    )
    storage = base64.b64encode(R.randbytes(64)).decode()
    add(
        "DefaultEndpointsProtocol=https;AccountName=acmedata;AccountKey={};EndpointSuffix=core.windows.net",
        (storage, "azure_storage_key"),
    )
    add(
        "the azure storage account key is {}",
        (base64.b64encode(R.randbytes(64)).decode(), "azure_storage_key"),
    )
    add(
        "Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=root;SharedAccessKey={}",
        (base64.b64encode(R.randbytes(32)).decode(), "azure_shared_access_key"),
    )
    add("my github token is ghp_{}", (rand(ALNUM, 36), "github_token"))
    add("GH_TOKEN=gho_{}", (rand(ALNUM, 36), "github_token"))
    add("ci uses ghs_{}", (rand(ALNUM, 36), "github_token"))
    add(
        "fine-grained github_pat_{}_{}",
        (rand(ALNUM, 22), "github_token"),
        (rand(ALNUM, 59), "github_token"),
    )
    add("gitlab token glpat-{}", (rand(URLSAFE, 20), "gitlab_token"))
    add(
        "slack bot token xoxb-{}-{}-{}",
        (digits(12), "slack_token"),
        (digits(13), "slack_token"),
        (rand(ALNUM, 24), "slack_token"),
    )
    add(
        "user token xoxp-{}-{}-{}-{}",
        (digits(11), "slack_token"),
        (digits(11), "slack_token"),
        (digits(13), "slack_token"),
        (rand(HEX, 32), "slack_token"),
    )
    add(
        "post to https://hooks.slack.com/services/T{}/B{}/{}",
        (rand(string.ascii_uppercase + string.digits, 8), "slack_webhook"),
        (rand(string.ascii_uppercase + string.digits, 10), "slack_webhook"),
        (rand(ALNUM, 24), "slack_webhook"),
    )
    add("stripe sk_live_{}", (rand(ALNUM, 24), "stripe_secret_key"))
    add("restricted key rk_live_{}", (rand(ALNUM, 24), "stripe_secret_key"))
    add("STRIPE_WEBHOOK_SECRET=whsec_{}", (rand(ALNUM, 32), "stripe_webhook_secret"))
    add(
        "twilio account sid AC{} auth token {}",
        (rand(HEX, 32), "twilio_account_sid"),
        (rand(HEX, 32), "twilio_auth_token"),
    )
    add("Twilio API key SK{}", (rand(HEX, 32), "twilio_api_key"))
    add(
        "SENDGRID_API_KEY=SG.{}.{}",
        (rand(URLSAFE, 22), "sendgrid_api_key"),
        (rand(URLSAFE, 43), "sendgrid_api_key"),
    )
    add("//registry.npmjs.org/:_authToken=npm_{}", (rand(ALNUM, 36), "npm_token"))
    add("publish with npm_{}", (rand(ALNUM, 36), "npm_token"))
    add("password = pypi-AgEIcHlwaS5vcmc{}", (rand(URLSAFE, 70), "pypi_token"))
    add("my hugging face token is hf_{}", (rand(string.ascii_letters, 34), "huggingface_token"))
    add("HF_TOKEN=hf_{}", (rand(string.ascii_letters, 34), "huggingface_token"))
    add(
        "discord webhook https://discord.com/api/webhooks/{}/{}",
        (digits(18), "discord_webhook"),
        (rand(URLSAFE, 68), "discord_webhook"),
    )
    add(
        "telegram bot {}:AA{}",
        (digits(10), "telegram_bot_token"),
        (rand(URLSAFE, 33), "telegram_bot_token"),
    )
    add("my bitcoin key {}", (wif(), "crypto_private_key"))
    add("eth private key: 0x{}", (rand(HEX, 64), "private_key"))
    # Generic labelled secrets
    add("api key: {}", (rand(ALNUM, 32), "api_key"))
    add('{{"client_secret": "{}"}}', (rand(URLSAFE, 40), "secret"))
    add("X-Api-Key: {}", (rand(ALNUM, 32), "api_key"))
    add("my access token is {}", (rand(ALNUM, 40), "token"))
    add("SECRET_KEY_BASE={}", (rand(HEX, 64), "secret"))
    add("encryption key = {}", (base64.b64encode(R.randbytes(32)).decode(), "secret_key"))
    add(
        "the license key is {}",
        ("-".join(rand(string.ascii_uppercase + string.digits, 5) for _ in range(5)), "secret_key"),
    )
    add("recovery codes: {}", (f"{rand(HEX, 5)}-{rand(HEX, 5)}", "recovery_code"))
    add("token={}", (rand(ALNUM, 40), "token"))
    add("webhook signing secret is {}", (rand(ALNUM, 32), "secret"))

    # The same secrets said other ways
    add("btw my gmail pw is {}", (pw(), "password"))
    add("the password is: {}", (pw(), "password"))
    add("new pass is {}", (rand(string.ascii_lowercase, 7) + digits(2), "password"))
    add("Login: jsmith / {}", (pw(), "password"))
    add("The Wi-Fi is 'CoffeeHouse', password {}", (pw(), "password"))
    add("ssh root@10.0.0.5 with password {}", (pw(), "password"))
    add("wifi key: {}", (pw(), "password"))
    add("sshpass -p '{}' ssh deploy@web1", (pw(), "password"))
    add("DATABASE_URL=mongodb+srv://admin:{}@cluster0.example.net/app", (pw(), "password"))
    add("Enter code {} to verify your account", (digits(6), "one_time_code"))
    add("Your Uber code: {}. Never share this code.", (digits(4), "one_time_code"))
    add("security code on the back is {}", (digits(3), "one_time_code"))
    add("expiry 04/27 cvc {}", (digits(3), "card_cvv"))
    add("my pin's {}", (digits(4), "pin"))
    add("PIN number: {}", (digits(4), "pin"))
    add(
        "combination to the safe is {}",
        (f"{R.randint(10, 39)}-{R.randint(10, 39)}-{R.randint(10, 39)}", "access_code"),
    )
    add("The garage door opener code is {}", (digits(4), "access_code"))
    add(
        "my 2FA backup codes are {}, {} and {}",
        (f"{digits(4)}-{digits(4)}", "recovery_code"),
        (f"{digits(4)}-{digits(4)}", "recovery_code"),
        (f"{digits(4)}-{digits(4)}", "recovery_code"),
    )
    add(
        "my bitcoin seed: {}",
        (
            "witch collapse practice feed shame open despair creek road again ice least",
            "passphrase",
        ),
    )
    add("Cookie: sessionid={}", (rand(ALNUM, 32), "secret"))
    add("X-Auth-Token: {}", (rand(ALNUM, 32), "token"))
    add("GET https://api.example.com/v1/items?key={}&limit=10", (rand(ALNUM, 32), "secret"))
    add("card {} exp 05/27", (card("4", 16), "card_number"))
    add("my iban is {}", (iban("GB", "NWBK" + digits(14)).lower(), "iban"))
    add("SSN {} and phone 555-0134", (ssn().replace("-", ""), "us_ssn"))
    add("il mio cf è {}", (codice_fiscale().lower(), "it_fiscal_code"))
    add("DNI {} (con espacio)", ((lambda d: d[:8] + " " + d[8])(dni()), "es_dni"))
    add("NIE: {}", ((lambda n: f"{n[0]}-{n[1:8]}-{n[8]}")(nie()), "es_nie"))

    out = Path(__file__).with_name("secrets.jsonl")
    with out.open("w", encoding="utf-8") as fh:
        for text, secrets in rows:
            for value, _ in secrets:
                assert value in text, (value, text)
            fh.write(
                json.dumps(
                    {"text": text, "secrets": [{"value": v, "kind": k} for v, k in secrets]},
                    ensure_ascii=False,
                )
                + "\n"
            )
    n = sum(len(s) for _, s in rows)
    kinds = {k for _, s in rows for _, k in s}
    print(f"{len(rows)} turns, {n} secrets, {len(kinds)} kinds -> {out}")


if __name__ == "__main__":
    main()
