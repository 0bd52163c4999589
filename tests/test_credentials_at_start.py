"""Every web service refuses to start, naming the variable, without a credential it needs or
with an empty or short one: an empty key would match a request that sends none."""

import pytest
from auth import config as auth_config
from auth.entrypoints.api import create_app as create_auth
from gateway import config as gateway_config
from gateway.entrypoints.api import create_app as create_gateway
from servicekit.testing import CALLER_KEYS
from settings import config as settings_config
from settings.entrypoints.api import create_app as create_settings
from tokens import config as tokens_config
from tokens.entrypoints.api import create_app as create_tokens

SERVICES = {
    "auth": (auth_config, create_auth),
    "tokens": (tokens_config, create_tokens),
    "settings": (settings_config, create_settings),
    "gateway": (gateway_config, create_gateway),
}
# What each service reads (deploy/generate.py's credentials_of agrees: tests/deploy).
NEEDS = {
    "auth": ["GATEWAY_INTERNAL_KEY", "ACTION_SIGNING_KEY"],
    "tokens": [
        "GATEWAY_INTERNAL_KEY",
        "SETTINGS_INTERNAL_KEY",
        "RESULTAT_FINANS_INTERNAL_KEY",
        "OPERATOR_INTERNAL_KEY",
        "ACTION_VERIFY_KEYS",
    ],
    "settings": [
        "GATEWAY_INTERNAL_KEY",
        "OPERATOR_INTERNAL_KEY",
        "SETTINGS_INTERNAL_KEY",
        "ACTION_VERIFY_KEYS",
    ],
    "gateway": ["GATEWAY_INTERNAL_KEY"],
}
OTHER_SECRETS = {
    "TOKENS_ENCRYPTION_KEYS": "k1:" + "A" * 43 + "=",
    "FORTNOX_CLIENT_SECRET": "x" * 32,
    "GATEWAY_SECRET_KEY": "y" * 32,
}
CASES = [(s, v, bad) for s, names in NEEDS.items() for v in names for bad in (None, "", "short")]


@pytest.mark.parametrize(("service", "variable", "value"), CASES, ids=str)
def test_a_missing_empty_or_short_credential_refuses_to_start(service, variable, value):
    environ = CALLER_KEYS | OTHER_SECRETS
    if value is None:
        environ.pop(variable)
    else:
        environ[variable] = value
    config, create_app = SERVICES[service]
    with pytest.raises(RuntimeError, match=variable):
        create_app(config.load(environ))
