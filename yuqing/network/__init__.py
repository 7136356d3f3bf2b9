"""The reporting network: units, officers and other users, field reports, tallies."""
