"""The desk wing."""
