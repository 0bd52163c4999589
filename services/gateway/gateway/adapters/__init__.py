"""The gateway's clients of the platform's services."""
