"""The final choice: the location-routing result or a baseline, whichever routes cheaper.

Judged on routed totals only (fewer stops left out first), so the plan is never above its
cheapest baseline; the method's own result is kept beside the choice so that a fallback cannot
hide a weak method.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from pickup_net.domain import Baseline, Parameters
from pickup_net.planning.baselines import cheapest
from pickup_net.planning.priced import Priced
from pickup_net.planning.routed_location import better

METHOD = "location_routing"
"""Name of the location-routing method's own result."""


@dataclass
class Choice:
    """The priced choice the plan keeps, its name, and the sentence that explains a fallback."""

    chosen: Priced
    name: str
    why: str


def choose(
    method: Priced,
    found: Sequence[tuple[Baseline, Priced]],
    params: Parameters,
    currency: str,
    pays_at: dict,
) -> Choice:
    """Keep the method's result unless a baseline the parameters allow routes cheaper; say why
    in one sentence when the plan opens no hub or falls back (`pays_at`: the break-even view).

    A baseline is allowed when it keeps the shops forced open and the exact `n_hubs`, if set;
    all-home also when `all_home_fallback` is set.
    """
    allowed = [item for item in found if _allowed(item[1], params)]
    baseline, priced = cheapest(allowed) if allowed else (None, method)
    if baseline is None or not better(priced, method):
        why = _forced_dearer(method, found, currency) or _cheaper_but_short(method, found, currency)
        if not method.hub_ids:
            why = "hubs do not pay here: the location model priced by routing opens none" + (
                f" (one hub would pay at a hub fee below {pays_at['hub_fee_per_day']:,.0f} "
                f"{currency} a day)"
                if pays_at.get("hub_fee_per_day")
                else ""
            )
        return Choice(method, METHOD, why)
    reason = versus(priced.total, priced.dropped, method.total, method.dropped, currency)
    n = len(method.hub_ids)
    if baseline.name == "all_home":
        why = (
            f"{'' if priced.dropped < method.dropped else 'hubs do not pay here: '}serving every "
            f"customer at home {reason} for the {n}-hub network the location-routing method "
            "found, so the plan opens no hub"
        )
    else:
        why = (
            f"the greedy choice of {baseline.hubs_opened} hubs {reason} for the {n}-hub "
            "network of the location-routing method, so the plan keeps the greedy hubs"
        )
    return Choice(priced, baseline.name, why)


def _forced_dearer(kept: Priced, found: Sequence[tuple[Baseline, Priced]], currency: str) -> str:
    """The sentence saying what the planner's fixed hubs (`open_shops`, `n_hubs`) cost against
    a baseline they rule out that routes cheaper; empty when none does."""
    no_worse = [item for item in found if item[1].dropped <= kept.dropped]
    if not no_worse:
        return ""
    baseline, priced = min(no_worse, key=lambda item: item[1].total)
    if priced.total >= kept.total:
        return ""
    extra = kept.total - priced.total
    share = f" ({extra / priced.total:.0%})" if priced.total else ""
    return (
        f"the hubs fixed by open_shops or n_hubs cost {extra:,.0f} {currency}{share} more than "
        f"the {baseline.name.replace('_', '-')} baseline ({priced.total:,.0f} {currency}, "
        f"{baseline.hubs_opened} hubs), which they rule out"
    )


def _cheaper_but_short(
    kept: Priced, found: Sequence[tuple[Baseline, Priced]], currency: str
) -> str:
    """The sentence saying why the plan keeps a dearer result than a baseline: the baseline
    leaves stops unrouted (a fleet too small for everyone at home); empty when none does that."""
    short = [
        item for item in found if item[1].dropped > kept.dropped and item[1].total < kept.total
    ]
    if not short:
        return ""
    baseline, priced = min(short, key=lambda item: item[1].total)
    return short_of_stops(
        baseline.name, kept.total, kept.dropped, priced.total, priced.dropped, currency
    )


def short_of_stops(
    name: str, total: float, dropped: int, other_total: float, other_dropped: int, currency: str
) -> str:
    """Why the plan keeps `total` against the cheaper `name` baseline: it serves more stops."""
    return (
        f"the {name.replace('_', '-')} baseline is cheaper but cannot serve every stop: the plan "
        f"{versus(total, dropped, other_total, other_dropped, currency)}"
    )


def versus(
    total: float, dropped: int, other_total: float, other_dropped: int, currency: str
) -> str:
    """Why one routed result beats another, in words: fewer stops left out first, else money."""
    money = f"{total:,.0f} {currency} against {other_total:,.0f} {currency}"
    if dropped < other_dropped:
        return f"leaves {dropped} stops unrouted over the days against {other_dropped} ({money})"
    return f"routes at {money}"


def _allowed(priced: Priced, params: Parameters) -> bool:
    """Whether a baseline keeps what the planner fixed: shops forced open, an exact hub count
    (or it serves everyone at home and `all_home_fallback` allows that)."""
    hubs = set(priced.hub_ids)
    if params.all_home_fallback and not hubs:
        return True
    count_ok = params.n_hubs is None or len(hubs) == params.n_hubs
    return count_ok and set(params.open_shops) <= hubs
