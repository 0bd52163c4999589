"""rfadmin: the operators' command line of the Resultat Finans platform."""
