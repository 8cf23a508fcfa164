"""Checks are lint rules over an issue: see ``registry`` for how a rule is declared."""
