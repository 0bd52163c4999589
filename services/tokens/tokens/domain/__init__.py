"""The tokens service's rules, free of Flask, SQL and HTTP."""
