"""A plan made through the API (its own plan process) equals a library call, given the work."""

import httpx
from builders import small_scenario
from plan_checks import without_timing

from pickup_net.domain import Budget
from pickup_net.planning import plan, plan_inputs
from service.api_helpers import upload, wait_for


def test_api_plan_with_search_work_equals_a_library_call(client: httpx.Client) -> None:
    """The API's plan.json for a scenario with search_work equals the library's, timing aside,
    and two plans of it through the API are equal too."""
    scenario = small_scenario(seed=8, n_customers=20, routing_engine="auto", search_work=12)
    scenario_id = upload(client, scenario)
    documents = []
    for seed in (scenario.parameters.seed, scenario.parameters.seed):
        body = {"parameters": {"seed": seed}}
        submitted = client.post(f"/scenarios/{scenario_id}/plans", json=body)
        assert submitted.status_code == 202, submitted.text
        done = wait_for(client, submitted.json()["id"])
        assert done["status"] == "done", done["error"]
        assert done["parameters"]["search_work"] == 12
        response = client.get(f"/plans/{done['id']}/plan.json").raise_for_status()
        documents.append(without_timing(response.json()))
    local = plan(plan_inputs(scenario), Budget(processes=1))
    assert documents[0] == documents[1] == without_timing(local.model_dump(mode="json"))
