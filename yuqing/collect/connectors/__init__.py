"""Connectors, one module each, registered by source kind.

A connector turns one poll of a source into records (``RawItem`` or ``Rejected``);
it never writes to the database: ``yuqing.collect.poll`` stores what it yields.
"""

from __future__ import annotations

from yuqing.collect.connectors.base import Connector, PollContext
from yuqing.collect.connectors.exports import FileConnector, PartnerConnector
from yuqing.collect.connectors.rss import RssConnector
from yuqing.collect.connectors.web import WebConnector
from yuqing.errors import BadInput

CONNECTORS: dict[str, Connector] = {
    connector.kind: connector
    for connector in (RssConnector(), WebConnector(), FileConnector(), PartnerConnector())
}


def connector_for(kind: str) -> Connector:
    try:
        return CONNECTORS[kind]
    except KeyError:
        raise BadInput(f"no connector polls sources of kind {kind!r}") from None


__all__ = ["CONNECTORS", "Connector", "PollContext", "connector_for"]
