"""Gateway: the browser UI (JIM Appar, Resultat Finans) and the public API."""
