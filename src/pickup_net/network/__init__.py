"""The street-network stage: graphs from OSM elements, snapping, matrices and route geometry.

Pure computation on in-memory graphs; reading files and caching live in `pickup_net.io`.
"""

from pickup_net.network.geometry import route_geometry
from pickup_net.network.matrices import Matrices, street_matrices
from pickup_net.network.osm_elements import OsmElements, OsmWay, TurnRestriction
from pickup_net.network.profiles import DriveProfile, WalkProfile
from pickup_net.network.snapping import SnapError
from pickup_net.network.straight_line import DEFAULT_CIRCUITY, straight_line_matrices
from pickup_net.network.street_graph import build_street_network
from pickup_net.network.street_network import Point, StreetNetwork

__all__ = [
    "DEFAULT_CIRCUITY",
    "DriveProfile",
    "Matrices",
    "OsmElements",
    "OsmWay",
    "Point",
    "SnapError",
    "StreetNetwork",
    "TurnRestriction",
    "WalkProfile",
    "build_street_network",
    "route_geometry",
    "straight_line_matrices",
    "street_matrices",
]
