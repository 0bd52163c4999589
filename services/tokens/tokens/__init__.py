"""Tokens service: owns each organisation's Fortnox connection for its whole life."""
