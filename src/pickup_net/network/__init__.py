"""The street-network stage: graphs from OSM elements, snapping, matrices and route geometry.

Pure computation on in-memory graphs; reading files and caching live in `pickup_net.io`.
"""

from pickup_net.network.street_graph import build_street_network
from pickup_net.network.street_network import Point, StreetNetwork

__all__ = ["Point", "StreetNetwork", "build_street_network"]
