"""The location result: open hubs, who picks up where, the proven bound and the explanations."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class LocationResult:
    """Hubs chosen by the location stage, with the proof of how good they are.

    Attributes
    ----------
    open_shops
        Ids of the shops opened as hubs, in the caller's order.
    assignment
        Customer id -> shop id, or ``None`` for home delivery (every customer appears once).
    home_reasons
        Customer id -> why it goes to home delivery: ``"no shop within walking reach"``,
        ``"only declined shops within walking reach"``, ``"no hub opened within walking reach"``,
        ``"capacity full"`` or ``"cheaper by home delivery"``.
    objective
        Total cost: fixed costs of open hubs + assignment costs + home-delivery costs.
    lower_bound
        Proven lower bound on the optimal objective.
    gap
        ``(objective - lower_bound) / max(|objective|, 1e-9)``; 0 when proven optimal.
    proven_optimal
        Whether ``objective`` is proven optimal.
    seconds
        Wall-clock solve time, model building included.
    method
        What produced the solution and the bound.
    hub_explanations
        Shop id -> demand served per dimension, customers, assignment cost, and the next best
        alternative (replacement shop and the extra cost of using it instead).
    steps
        Search steps spent (the unit of ``solve_location``'s ``steps`` limit).
    clock_hit
        Whether the time limit stopped a search (then the result depends on the machine).
    """

    open_shops: list[str]
    assignment: dict[str, str | None]
    home_reasons: dict[str, str]
    objective: float
    lower_bound: float
    gap: float
    proven_optimal: bool
    seconds: float
    method: str
    hub_explanations: dict[str, dict] = field(default_factory=dict)
    steps: int = 0
    clock_hit: bool = False
