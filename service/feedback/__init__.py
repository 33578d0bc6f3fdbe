"""Outcomes recorded against recommendation runs."""
