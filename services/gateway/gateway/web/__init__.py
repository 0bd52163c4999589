"""What every page of the gateway shares: the signed-in user, security, errors."""
