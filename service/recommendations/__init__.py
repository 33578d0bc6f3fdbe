"""Ranking: the route that ranks a profile without storing it, the batcher that hands rankings
to the ranking threads, and the service every ranking goes through (API, stored profiles, form)."""
