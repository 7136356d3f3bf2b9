"""Collection: connectors, the polite fetcher, ingest and quarantine."""
