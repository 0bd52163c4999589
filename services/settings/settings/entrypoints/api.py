"""HTTP entry point: `gunicorn 'settings.entrypoints.api:create_app()'`.

Internal API (every route needs the `X-Internal-Key` header; `<org_id>` is the auth service's
UUID; errors use the platform's shape `{"error": {"code", "message", "fields"?}}`):

- `GET /internal/organisations/<org_id>` -> 200 `{org_id, payment_method, company}`: both
  below in one answer (what the settings page needs).
- `GET /internal/organisations/<org_id>/payment-method` -> 200 `{configured: true, method,
  label, number, clearing_number, account_number, bank_name, display, revision, changed_by,
  changed_at}`, or `{configured: false}` when none was ever saved.
- `PUT /internal/organisations/<org_id>/payment-method` `{method: bankgiro|plusgiro|
  bank_account, number?, clearing_number?, account_number?, changed_by}` -> 200 the saved
  method plus `changed` (false when it was already saved so). A number that fails the bank's
  rules -> 422 `invalid_input` with Swedish messages per field (`number`, `clearing_number`,
  `account_number`, `method`); nothing is saved. Only the gateway decides who may call it
  (administrators).
- `GET /internal/organisations/<org_id>/payment-method/history` -> 200 `{entries: [...]}`
  newest first: every saved method with who (`changed_by`) and when (`changed_at`).
- `GET /internal/organisations/<org_id>/company` -> 200 `{known: true, company_name,
  organisation_number, database_number, version, as_of, source}` or `{known: false}`.
- `POST /internal/organisations/<org_id>/company/rebuild` -> 200 the company after asking the
  tokens service's status API; 503 `tokens_unavailable` when it cannot be asked.
"""

from pathlib import Path

from flask import Flask
from servicekit.app import create_service_app, pool_of

from settings import config as service_config
from settings.bootstrap import bootstrap
from settings.entrypoints.internal_api import build_blueprint

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def create_app(config: dict | None = None) -> Flask:
    config = config or service_config.load()
    service_config.require(config, "INTERNAL_API_KEY")
    app = create_service_app(
        config["SERVICE"],
        database_url=config["DATABASE_URL"],
        migrations=MIGRATIONS,
        amqp_url=config["AMQP_URL"],
        log_level=config["LOG_LEVEL"],
    )
    app.config.update(config)
    app.extensions["settings"] = bootstrap(config, pool_of(app))
    app.register_blueprint(build_blueprint(config["INTERNAL_API_KEY"]))
    return app
