"""Pages while a service behind the gateway is down: the friendly Swedish page (or the page
with its message) with 503 and Retry-After, never a 500."""

from gateway import config as gateway_config
from gateway.entrypoints.api import create_app as create_gateway
from servicekit.testing import nobody_there

from .conftest import Visitor, gateway_env


def test_logging_in_while_auth_is_down_shows_the_try_again_page(auth_service):
    config = gateway_env(auth_service, AUTH_URL=nobody_there())
    visitor = Visitor(create_gateway(gateway_config.load(config)))
    answer = visitor.post("/logga-in", {"identifier": "900232", "password": "whatever"})
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "2"
    assert "Tjänsten svarar inte" in answer.get_data(as_text=True)


def test_saving_the_payment_method_while_settings_is_down_says_so_with_503(auth_service):
    config = gateway_env(auth_service)  # tokens and settings down
    kaisa = Visitor(create_gateway(gateway_config.load(config)))
    kaisa.log_in()
    form = {"method": "bankgiro", "number": "160-9908"}
    answer = kaisa.post(
        "/resultat-finans/installningar/betalningssatt",
        form,
        csrf_from="/resultat-finans/installningar",
    )
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "2"
    assert "kunde inte sparas just nu" in answer.get_data(as_text=True)
