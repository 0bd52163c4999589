"""Use cases of the auth service: plain functions over an AuthContext."""
