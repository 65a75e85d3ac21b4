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

from typing import TYPE_CHECKING

from pickup_net._lazy import lazy_names

if TYPE_CHECKING:
    from pickup_net.network.geometry import route_geometry
    from pickup_net.network.matrices import Matrices, street_matrices
    from pickup_net.network.osm_elements import OsmElements, OsmWay, TurnRestriction
    from pickup_net.network.profiles import DriveProfile, WalkProfile
    from pickup_net.network.snapping import SnapError
    from pickup_net.network.straight_line import DEFAULT_CIRCUITY, straight_line_matrices
    from pickup_net.network.street_graph import build_street_network
    from pickup_net.network.street_network import Point, StreetNetwork

_EXPORTS = {
    "DEFAULT_CIRCUITY": "pickup_net.network.straight_line",
    "DriveProfile": "pickup_net.network.profiles",
    "Matrices": "pickup_net.network.matrices",
    "OsmElements": "pickup_net.network.osm_elements",
    "OsmWay": "pickup_net.network.osm_elements",
    "Point": "pickup_net.network.street_network",
    "SnapError": "pickup_net.network.snapping",
    "StreetNetwork": "pickup_net.network.street_network",
    "TurnRestriction": "pickup_net.network.osm_elements",
    "WalkProfile": "pickup_net.network.profiles",
    "build_street_network": "pickup_net.network.street_graph",
    "route_geometry": "pickup_net.network.geometry",
    "straight_line_matrices": "pickup_net.network.straight_line",
    "street_matrices": "pickup_net.network.matrices",
}
"""Public name -> its module: loaded on first use (PEP 562), since route geometry and matrices
pull in scipy's graph routines, which `validate` and the snapping of points do not need."""

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


__getattr__ = lazy_names(__name__, globals(), _EXPORTS)
