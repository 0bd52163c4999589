"""The services' security events name the browser's address, which the gateway forwards."""

import logging


def test_the_services_security_events_name_the_browsers_address_not_the_gateways(kaisa, caplog):
    caplog.set_level(logging.INFO, logger="security")
    browser = {"REMOTE_ADDR": "203.0.113.9"}
    form = {"name": "Ivar Inbjuden", "email": "ivar@jlmdata.se"}
    answer = kaisa.post(
        "/organisation/inbjudan", form, csrf_from="/organisation", environ_base=browser
    )
    assert answer.status_code == 302
    (event,) = [r for r in caplog.records if getattr(r, "security_event", "") == "member_invited"]
    assert event.client_address == "203.0.113.9"
