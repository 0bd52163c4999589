"""Auth service: users, sessions, organisations, memberships, apps."""
