"""What a city plan reports of its location model: the city-wide objective, bound and gap, and
how the routed city compares with serving everyone at home."""

from collections.abc import Sequence

from pickup_net.domain import Plan, StageStats
from pickup_net.scale.city_location import METHOD, CityLocation


def city_stage(city: CityLocation, districts: StageStats | None, all_home: dict) -> StageStats:
    """The joined plan's location stage: the city model's objective, proven bound and gap
    (`bound_scope` "city"), with the districts' own (fixed-network) figures kept beside them."""
    totals = city.solution
    details = {
        **city.details(),
        "all_home": all_home,
        "districts": districts.details.get("districts", {}) if districts else {},
        "seconds": {
            **city.details()["seconds"],
            "districts_summed": districts.seconds if districts else 0.0,
        },
    }
    return StageStats(
        seconds=round(city.build_s + city.solve_s, 3),
        method=METHOD,
        objective=totals.objective,
        lower_bound=totals.lower_bound,
        gap=round(totals.gap, 6),
        details=details,
    )


def all_home_view(plans: Sequence[Plan], currency: str) -> dict:
    """The routed city against its all-home baseline (each district's, summed), and the sentence
    that says so when serving everyone at home routes cheaper than the city's hubs."""
    homes = [b for p in plans for b in p.baselines if b.name == "all_home"]
    total = round(sum(p.kpis.total_cost for p in plans), 2)
    view: dict = {"plan_total": total, "all_home_total": None, "why": ""}
    if len(homes) != len(plans):
        return view
    home = round(sum(b.total_cost for b in homes), 2)
    view["all_home_total"] = home
    if home < total - 1e-6:
        view["why"] = (
            f"serving every customer at home routes at {home:,.0f} {currency} against "
            f"{total:,.0f} {currency} for the city location model's hubs: the model is priced "
            "with estimated home deliveries, and routing shows its hubs do not pay here"
        )
    return view
