"""Deterministic demo scenario: a fictional city's epidemic week of news, posts and reports."""
