"""servicekit.web.map_errors: a service's one table from its errors to HTTP answers."""

import pytest
from flask import Flask
from servicekit.web import install_platform, map_errors


class ShopError(Exception):
    def __init__(self, code: str, message: str, **extra):
        super().__init__(message)
        self.code, self.message = code, message
        self.__dict__.update(extra)


class OutOfStock(ShopError):
    pass


class Busy(ShopError):
    pass


class TooMany(ShopError):
    pass


@pytest.fixture
def client():
    app = Flask("shop")
    install_platform(app, "kit-error-table-test")
    map_errors(app, {ShopError: 400, OutOfStock: 409, TooMany: 429, Busy: 503})
    raised = {
        "generic": ShopError("bad_thing", "A bad thing."),
        "stock": OutOfStock("out_of_stock", "None left.", fields={"sku": ["Sold out."]}),
        "busy": Busy("busy", "Try again.", retry_after=4.2),
        "busy-default": Busy("busy", "Try again."),
        "too-many": TooMany("too_many", "Slow down.", retry_after=7),
        "too-many-unsaid": TooMany("too_many", "Slow down."),
        "conflict-with-retry": OutOfStock("out_of_stock", "None left.", retry_after=3),
    }

    @app.get("/<what>")
    def fail(what):
        raise raised[what]

    return app.test_client()


def test_a_listed_error_answers_its_status_in_the_platform_error_shape(client):
    response = client.get("/generic")
    assert response.status_code == 400
    assert response.get_json() == {"error": {"code": "bad_thing", "message": "A bad thing."}}


def test_the_most_specific_class_in_the_table_wins_and_fields_are_passed_on(client):
    response = client.get("/stock")
    assert response.status_code == 409
    assert response.get_json()["error"] == {
        "code": "out_of_stock",
        "message": "None left.",
        "fields": {"sku": ["Sold out."]},
    }


def test_a_503_says_when_to_try_again_rounded_up_or_the_platform_default(client):
    busy = client.get("/busy")
    assert (busy.status_code, busy.headers["Retry-After"]) == (503, "5")
    default = client.get("/busy-default")
    assert (default.status_code, default.headers["Retry-After"]) == (503, "2")


def test_a_429_says_when_to_try_again_only_when_the_error_knows_and_other_statuses_never(client):
    told = client.get("/too-many")
    assert (told.status_code, told.headers["Retry-After"]) == (429, "7")
    unsaid = client.get("/too-many-unsaid")
    assert unsaid.status_code == 429 and "Retry-After" not in unsaid.headers
    conflict = client.get("/conflict-with-retry")
    assert conflict.status_code == 409 and "Retry-After" not in conflict.headers
