"""The payment method ("Betalningsätt") and the rules a Swedish bank applies to its number.

Messages are the customer's (Swedish): the page shows them next to the field they concern.
"""

import re
from dataclasses import dataclass

from settings.domain import banks
from settings.domain.checksums import ascii_digits, luhn_check_digit, luhn_valid, mod11_valid

BANKGIRO, PLUSGIRO, BANK_ACCOUNT = "bankgiro", "plusgiro", "bank_account"
METHODS = (BANKGIRO, PLUSGIRO, BANK_ACCOUNT)
LABELS = {BANKGIRO: "Bankgiro", PLUSGIRO: "Plusgiro", BANK_ACCOUNT: "Bankkonto"}

_SEPARATORS = re.compile(r"[\s\-.]")


class InvalidPaymentMethod(Exception):
    """Field name -> messages, for the platform's 422 answer."""

    code = "invalid_input"
    message = "The payment method is not valid."

    def __init__(self, fields: dict[str, list[str]]):
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in fields.items()))
        self.fields = fields


@dataclass(frozen=True)
class PaymentMethod:
    method: str
    number: str  # digits only: the giro number, or the account number without clearing number
    clearing_number: str | None = None  # digits only, 4 (or Swedbank's 5) for a bank account
    bank_name: str | None = None

    @property
    def label(self) -> str:
        return LABELS[self.method]

    @property
    def display(self) -> str:
        if self.method == BANKGIRO:
            return f"{self.number[:-4]}-{self.number[-4:]}"
        if self.method == PLUSGIRO:
            return _plusgiro_display(self.number)
        return f"{_clearing_display(self.clearing_number)}, {self.number}"

    @property
    def masked(self) -> str:
        """For events and logs: giro numbers are public; an account shows its last 4 digits."""
        if self.method != BANK_ACCOUNT:
            return self.display
        return f"{_clearing_display(self.clearing_number)}, ****{self.number[-4:]}"


def _plusgiro_display(digits: str) -> str:
    body, check = digits[:-1], digits[-1]
    groups = []
    while body:
        groups.insert(0, body[-2:])
        body = body[:-2]
    return f"{' '.join(groups)}-{check}"


def _clearing_display(clearing: str | None) -> str:
    clearing = clearing or ""
    return f"{clearing[:4]}-{clearing[4]}" if len(clearing) == 5 else clearing


def _digits(raw: str | None, field: str, what: str, errors: dict) -> str | None:
    text = _SEPARATORS.sub("", raw or "")
    if not text:
        errors[field] = [f"Ange {what}."]
        return None
    if not ascii_digits(text):
        errors[field] = [
            f"{what[0].upper()}{what[1:]} får bara innehålla siffrorna 0–9, mellanslag och "
            "bindestreck."
        ]
        return None
    return text


def _giro(method: str, raw: str | None, min_len: int, max_len: int) -> PaymentMethod:
    name = "bankgironumret" if method == BANKGIRO else "plusgironumret"
    label = LABELS[method]
    errors: dict[str, list[str]] = {}
    digits = _digits(raw, "number", name, errors)
    if digits is not None:
        if not min_len <= len(digits) <= max_len:
            errors["number"] = [f"Ett {label.lower()}nummer har {min_len} till {max_len} siffror."]
        elif not luhn_valid(digits):
            errors["number"] = [
                f"{label}numret stämmer inte: kontrollsiffran är fel. Kontrollera numret."
            ]
    if errors:
        raise InvalidPaymentMethod(errors)
    return PaymentMethod(method, digits)


def _bank_account(clearing_raw: str | None, account_raw: str | None) -> PaymentMethod:
    errors: dict[str, list[str]] = {}
    clearing = _digits(clearing_raw, "clearing_number", "clearingnumret", errors)
    account = _digits(account_raw, "account_number", "kontonumret", errors)
    rule = None
    if clearing is not None:
        rule, message = _check_clearing(clearing)
        if message:
            errors["clearing_number"] = [message]
    if rule is not None and account is not None:
        message = _check_account(rule, clearing[:4], account)
        if message:
            errors["account_number"] = [message]
    if errors:
        raise InvalidPaymentMethod(errors)
    return PaymentMethod(BANK_ACCOUNT, account, clearing, rule.bank)


def _check_clearing(clearing: str) -> tuple[banks.Rule | None, str | None]:
    if len(clearing) not in (4, 5):
        return None, "Ett clearingnummer har 4 siffror (Swedbank ibland 5, t.ex. 8327-9)."
    rule = banks.rule_for(int(clearing[:4]))
    if rule is None:
        return None, f"Clearingnumret {clearing[:4]} hör inte till någon svensk bank."
    if len(clearing) == 5:
        if not clearing.startswith("8"):
            return None, "Bara Swedbanks clearingnummer som börjar på 8 har en femte siffra."
        if luhn_check_digit(clearing[:4]) != clearing[4]:
            return None, "Clearingnumrets femte siffra (kontrollsiffran) stämmer inte."
    return rule, None


def _check_account(rule: banks.Rule, clearing: str, account: str) -> str | None:
    if not rule.min_digits <= len(account) <= rule.max_digits:
        count = (
            f"{rule.max_digits}"
            if rule.min_digits == rule.max_digits
            else f"{rule.min_digits} till {rule.max_digits}"
        )
        return f"Kontonummer hos {rule.bank} har {count} siffror (utan clearingnummer)."
    if rule.type == 1:
        checked = (clearing[1:] if rule.comment == 1 else clearing) + account
        valid = mod11_valid(checked)
    elif rule.comment == 2:
        valid = mod11_valid(account)
    else:
        valid = luhn_valid(account)
    if not valid:
        return f"Kontonumret stämmer inte för {rule.bank}: kontrollsiffran är fel."
    return None


def parse_payment_method(
    method: str | None,
    number: str | None = None,
    clearing_number: str | None = None,
    account_number: str | None = None,
) -> PaymentMethod:
    """A valid payment method, or InvalidPaymentMethod naming each wrong field."""
    if method == BANKGIRO:
        return _giro(BANKGIRO, number, 7, 8)
    if method == PLUSGIRO:
        return _giro(PLUSGIRO, number, 2, 8)
    if method == BANK_ACCOUNT:
        return _bank_account(clearing_number, account_number)
    raise InvalidPaymentMethod({"method": ["Välj Bankgiro, Plusgiro eller Bankkonto."]})
