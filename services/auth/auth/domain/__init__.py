"""Pure rules of the auth service: no Flask, psycopg or SMTP here."""
