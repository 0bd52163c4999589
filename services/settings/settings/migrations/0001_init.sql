-- The settings service: payment method and company info per organisation (the auth service's id).

CREATE TABLE payment_methods (
    org_id          uuid PRIMARY KEY,
    method          text NOT NULL CHECK (method IN ('bankgiro', 'plusgiro', 'bank_account')),
    number          text NOT NULL,
    clearing_number text,
    bank_name       text,
    revision        integer NOT NULL,
    changed_by      text NOT NULL,
    changed_at      timestamptz NOT NULL
);

-- Every saved payment method, the current one included: who changed what, and when.
CREATE TABLE payment_method_changes (
    id              bigserial PRIMARY KEY,
    org_id          uuid NOT NULL,
    revision        integer NOT NULL,
    method          text NOT NULL,
    number          text NOT NULL,
    clearing_number text,
    bank_name       text,
    changed_by      text NOT NULL,
    changed_at      timestamptz NOT NULL,
    UNIQUE (org_id, revision)
);

CREATE TABLE company_info (
    org_id              uuid PRIMARY KEY,
    company_name        text,
    organisation_number text,
    database_number     text,
    version             integer NOT NULL DEFAULT 0,
    as_of               timestamptz NOT NULL,
    source              text NOT NULL,
    updated_at          timestamptz NOT NULL DEFAULT now()
);
