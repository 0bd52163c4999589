-- Why a connection failed or needs "Ny Token", as a reason code of tokens/domain/answers.py
-- (the gateway and the administrators' mails turn it into Swedish). Old rows keep NULL.
ALTER TABLE connections ADD COLUMN last_failure_code text;
ALTER TABLE connections ADD COLUMN reauthorization_code text;
