"""Payment numbers are checked as Swedish banks check them (Bankgirot's rules)."""

import pytest
from settings.domain.checksums import luhn_valid, mod11_valid
from settings.domain.payment import InvalidPaymentMethod, parse_payment_method


def test_luhn_accepts_a_correct_check_digit_and_refuses_any_other():
    assert luhn_valid("1609908")
    assert not any(luhn_valid(f"160990{d}") for d in "012345679")


def test_mod11_uses_bankgirots_weights_from_the_right():
    assert mod11_valid("123456789")  # Handelsbanken 6789 123 456 789
    assert not mod11_valid("123456788")


@pytest.mark.parametrize(
    ("number", "display"),
    [
        ("160-9908", "160-9908"),  # Bankgirot's own Bankgiro number
        ("1609908", "160-9908"),
        ("5591-9252", "5591-9252"),  # eight digits
        (" 5591 9252 ", "5591-9252"),
    ],
)
def test_valid_bankgiro_numbers_are_accepted_and_written_as_people_write_them(number, display):
    method = parse_payment_method("bankgiro", number)
    assert (method.method, method.display) == ("bankgiro", display)


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("160-9907", "kontrollsiffran är fel"),
        ("5591-9253", "kontrollsiffran är fel"),
        ("160-990", "7 till 8 siffror"),
        ("1234-56789", "7 till 8 siffror"),
        ("160-99O8", "bara innehålla siffror"),
        ("", "Ange bankgironumret"),
        (None, "Ange bankgironumret"),
    ],
)
def test_bad_bankgiro_numbers_are_refused_with_a_message_for_the_number_field(number, message):
    with pytest.raises(InvalidPaymentMethod) as refused:
        parse_payment_method("bankgiro", number)
    assert list(refused.value.fields) == ["number"]
    assert message in refused.value.fields["number"][0]


@pytest.mark.parametrize(
    ("number", "display"),
    [("18", "1-8"), ("12 34 56-6", "12 34 56-6"), ("412346", "4 12 34-6")],
)
def test_valid_plusgiro_numbers_are_accepted(number, display):
    assert parse_payment_method("plusgiro", number).display == display


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("12 34 56-7", "kontrollsiffran är fel"),
        ("1", "2 till 8 siffror"),
        ("123 45 67 89-0", "2 till 8 siffror"),
        ("12/34", "bara innehålla siffror"),
    ],
)
def test_bad_plusgiro_numbers_are_refused(number, message):
    with pytest.raises(InvalidPaymentMethod) as refused:
        parse_payment_method("plusgiro", number)
    assert message in refused.value.fields["number"][0]


@pytest.mark.parametrize(
    ("clearing", "account", "bank"),
    [
        ("9071", "417 23 83", "Multitude Bank"),  # type 1, comment 1
        ("9789", "1111113", "Klarna Bank"),  # type 1, comment 2
        ("6789", "123 456 789", "Handelsbanken"),  # type 2, comment 2
        ("8424-4", "983 189 224-6", "Swedbank"),  # type 2, comment 3, five-digit clearing
        ("8351-9", "392 242 224-5", "Swedbank"),
        ("8129", "043 386 711-6", "Swedbank"),  # four digits: the fifth is optional
        ("3300", "000620-5124", "Nordea (personkonto)"),  # type 2, comment 1
    ],
)
def test_valid_bank_accounts_are_accepted_and_name_their_bank(clearing, account, bank):
    method = parse_payment_method("bank_account", clearing_number=clearing, account_number=account)
    assert method.bank_name == bank
    assert method.number.isdigit() and method.clearing_number.isdigit()


@pytest.mark.parametrize(
    ("clearing", "account", "field", "message"),
    [
        ("9071", "4172384", "account_number", "kontrollsiffran är fel"),
        ("9789", "1111114", "account_number", "kontrollsiffran är fel"),
        ("6789", "123456788", "account_number", "kontrollsiffran är fel"),
        ("8424-4", "9831892247", "account_number", "kontrollsiffran är fel"),
        ("3300", "0006205125", "account_number", "kontrollsiffran är fel"),
        ("9071", "417238", "account_number", "har 7 siffror"),
        ("6789", "1234567890", "account_number", "har 9 siffror"),
        ("3300", "620512", "account_number", "har 10 siffror"),
        ("8424-1", "9831892246", "clearing_number", "kontrollsiffran"),
        ("7123-4", "1234567", "clearing_number", "Bara Swedbanks"),
        ("0999", "1234567", "clearing_number", "hör inte till någon svensk bank"),
        ("9990", "1234567", "clearing_number", "hör inte till någon svensk bank"),
        ("123", "1234567", "clearing_number", "4 siffror"),
        ("", "1234567", "clearing_number", "Ange clearingnumret"),
        ("9071", "", "account_number", "Ange kontonumret"),
        ("9071", "41A2383", "account_number", "bara innehålla siffror"),
    ],
)
def test_bad_bank_accounts_are_refused_on_the_field_that_is_wrong(
    clearing, account, field, message
):
    with pytest.raises(InvalidPaymentMethod) as refused:
        parse_payment_method("bank_account", clearing_number=clearing, account_number=account)
    assert message in " ".join(refused.value.fields[field])


def test_an_unknown_method_is_refused():
    with pytest.raises(InvalidPaymentMethod) as refused:
        parse_payment_method("swish", "1234567")
    assert "method" in refused.value.fields


def test_a_bank_account_is_masked_for_events_but_giro_numbers_are_not():
    account = parse_payment_method(
        "bank_account", clearing_number="8424-4", account_number="9831892246"
    )
    assert account.masked == "8424-4, ****2246"
    assert parse_payment_method("bankgiro", "160-9908").masked == "160-9908"
