"""Stored enterprise profiles, their recommendation runs, and erasure."""
