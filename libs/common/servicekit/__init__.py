"""Shared building blocks of the Resultat Finans services."""
