"""The street-network stage: graphs from OSM elements, snapping, matrices and route geometry.

Pure computation on in-memory graphs; reading files and caching live in `pickup_net.io`
(`osm_loader.load_street_network`, `network_cache`).

How it works, in short:

- `build_street_network` cuts OSM ways into segments between shared nodes and compiles a
  drive graph (one-way streets, access tags, OSRM car-profile speeds, signal and stop-sign
  delays) and a walk graph (both directions, footways in, motorways out); each keeps its
  largest strongly connected part and says what it dropped.
- Driving is routed edge-based: a search node per directed street edge, arcs are the allowed
  turns with OSRM's turn costs, so tagged turn restrictions and U-turns (dead ends only) are
  exact. Walking is routed node to node.
- `street_matrices` snaps each point to the nearest straight piece of a street, adds virtual
  source nodes and target entry arcs carrying the partial segment, and runs scipy's Dijkstra
  (in row blocks, on forked processes for large jobs) on weights that pack centiseconds and
  decimetres into one exact float, so one run gives both the fastest time and its length.
- `route_geometry` follows the same search with predecessors to draw the line; the
  `straight_line_matrices` fallback uses a documented circuity factor.
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
