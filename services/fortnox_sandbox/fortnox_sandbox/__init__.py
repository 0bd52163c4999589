"""STAND-IN for Fortnox (OAuth server and API) for local runs and tests. Never used in production."""
