"""I/O of the auth service: SQL, password hashing, SMTP."""
