"""Ranking a profile without storing it."""
