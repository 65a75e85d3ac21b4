"""Bad inputs get a 4xx naming the problem and change nothing; good zips are accepted."""

import io
import stat
import zipfile
from pathlib import Path

import httpx
import pytest
from builders import small_scenario

from pickup_net.io.scenario_writer import write_scenario


def scenario_count(client: httpx.Client) -> int:
    """How many scenarios the server holds."""
    return client.get("/scenarios").json()["count"]


def zip_bytes(entries: dict[str, bytes], links: tuple[str, ...] = ()) -> bytes:
    """A zip holding `entries`; names in `links` are stored as symbolic links."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            info = zipfile.ZipInfo(name)
            if name in links:
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, content, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def folder_entries(folder: Path) -> dict[str, bytes]:
    """Every file of a scenario folder, keyed by its relative path."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def post_zip(client: httpx.Client, data: bytes) -> httpx.Response:
    """Upload `data` as multipart field `file`."""
    return client.post("/scenarios", files={"file": ("scenario.zip", data, "application/zip")})


def messages(response: httpx.Response) -> str:
    """All error messages of a 4xx answer, joined."""
    detail = response.json()["detail"]
    return detail if isinstance(detail, str) else " | ".join(item["msg"] for item in detail)


def test_zip_of_a_scenario_folder_is_accepted(client: httpx.Client, tmp_path: Path) -> None:
    """A zipped scenario folder (as the CLI reads it) becomes a scenario with the same tables."""
    scenario = small_scenario(seed=2, n_customers=10, n_shops=4, days=14)
    write_scenario(scenario, tmp_path / "mine")
    response = post_zip(client, zip_bytes(folder_entries(tmp_path)))
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["shops"], body["orders"], body["has_streets"]) == (4, len(scenario.orders), False)
    stored = client.get(f"/scenarios/{body['id']}/scenario.json").json()
    assert [shop["id"] for shop in stored["shops"]] == [shop.id for shop in scenario.shops]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b'{"name": "x", "shops": [', "not valid JSON"),
        (b"[1, 2]", "expected a JSON object, got an array"),
        (b'{"name": "x"}', "shops: Field required"),
    ],
)
def test_malformed_json_is_refused(client: httpx.Client, body: bytes, expected: str) -> None:
    """Broken or incomplete JSON gets a 422 saying what is wrong, and nothing is stored."""
    before = scenario_count(client)
    response = client.post("/scenarios", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert expected in messages(response)
    assert scenario_count(client) == before


def test_wrong_types_name_the_field_and_value(client: httpx.Client) -> None:
    """A wrong value is reported with its field path and the value itself."""
    data = small_scenario(seed=2, n_customers=6, n_shops=3, days=7).model_dump(mode="json")
    data["shops"][1]["lon"] = 190.0
    data["shops"][2]["storage_liters"] = "lots"
    before = scenario_count(client)
    response = client.post("/scenarios", json=data)
    assert response.status_code == 422
    text = messages(response)
    assert "shops[1].lon: 190.0 is not a longitude" in text
    assert "shops[2].storage_liters" in text and "'lots'" in text
    locations = [item["loc"] for item in response.json()["detail"]]
    assert ["body", "shops", 1, "lon"] in locations
    assert scenario_count(client) == before


def test_json_scenario_events_are_checked(client: httpx.Client) -> None:
    """A JSON scenario's events are validated like events.csv: 422 naming event, field, value;
    good events are accepted."""
    data = small_scenario(seed=2, n_customers=6, n_shops=3, days=7).model_dump(mode="json")
    data["events"] = [
        {"date": "2026-03-07", "name": "promo", "uplift": 0, "products": None},
        {"date": "2026-03-07", "name": "fair", "products": "P01;P99"},
    ]
    before = scenario_count(client)
    response = client.post("/scenarios", json=data)
    assert response.status_code == 422
    text = messages(response)
    assert "events[0].uplift: 0.0 must be greater than 0" in text
    assert scenario_count(client) == before
    data["events"] = [data["events"][1]]
    response = client.post("/scenarios", json=data)
    assert response.status_code == 422 and "events[0].products: 'P99'" in messages(response)
    data["events"][0]["products"] = ["P01"]
    assert client.post("/scenarios", json=data).status_code == 201


def test_json_cannot_name_a_server_file(client: httpx.Client) -> None:
    """A JSON scenario naming a street file path on the server is refused."""
    data = small_scenario(seed=2, n_customers=6, n_shops=3, days=7).model_dump(mode="json")
    data["streets_file"] = "/etc/passwd"
    response = client.post("/scenarios", json=data)
    assert response.status_code == 422 and "streets_file: '/etc/passwd'" in messages(response)


def test_bad_plan_parameters_are_refused(client: httpx.Client) -> None:
    """Parameter overrides are validated like the scenario's own (field and value named)."""
    data = small_scenario(seed=2, n_customers=6, n_shops=3, days=7).model_dump(mode="json")
    scenario_id = client.post("/scenarios", json=data).json()["id"]
    before = client.get("/plans").json()["count"]
    response = client.post(
        f"/scenarios/{scenario_id}/plans", json={"parameters": {"max_walk_m": -5}}
    )
    assert response.status_code == 422 and "max_walk_m: -5.0 must be greater than 0" in (
        messages(response)
    )
    unknown = client.post(f"/scenarios/{scenario_id}/plans", json={"parameters": {"walk": 1}})
    assert unknown.status_code == 422 and "walk" in messages(unknown)
    missing = client.post("/scenarios/no-such-scenario/plans")
    assert missing.status_code == 404
    assert client.get("/plans").json()["count"] == before


def test_oversized_upload_is_refused(client: httpx.Client) -> None:
    """A body over the upload limit gets 413 before it is read whole."""
    before = scenario_count(client)
    response = post_zip(client, b"\0" * (26 * 1024 * 1024))
    assert response.status_code == 413 and "limit" in messages(response)
    assert scenario_count(client) == before


@pytest.mark.parametrize(
    ("entries", "links", "expected"),
    [
        ({"../evil.yaml": b"name: x"}, (), "escapes the scenario folder"),
        ({"/etc/cron.d/evil": b"x"}, (), "escapes the scenario folder"),
        ({"a/../../evil": b"x"}, (), "escapes the scenario folder"),
        ({"scenario.yaml": b"/etc/passwd"}, ("scenario.yaml",), "is a link"),
        ({"bomb.csv": b"0" * (210 * 1024 * 1024)}, (), "unzips to"),
        ({f"f{i}.csv": b"x" for i in range(80)}, (), "entries in the zip"),
        ({"readme.txt": b"hello"}, (), "no scenario YAML"),
        (
            {"scenario.yaml": b"name: x\nshops: ../../../../etc/passwd\n"},
            (),
            "outside the uploaded folder",
        ),
        (
            {"scenario.yaml": b"name: x\nevents: ../../../../etc/passwd\n"},
            (),
            "outside the uploaded folder",
        ),
        ({"scenario.yaml": b"name: [unclosed"}, (), "not valid YAML"),
    ],
)
def test_malicious_or_broken_zips_are_refused(
    client: httpx.Client, entries: dict[str, bytes], links: tuple[str, ...], expected: str
) -> None:
    """Path escapes, links, zip bombs, too many entries and broken YAML get 422 and no scenario."""
    before = scenario_count(client)
    response = post_zip(client, zip_bytes(entries, links))
    assert response.status_code == 422, response.text
    assert expected in messages(response)
    assert scenario_count(client) == before


def test_not_a_zip_and_wrong_content_type(client: httpx.Client) -> None:
    """A non-zip file gets 422; a body of an unsupported type gets 415."""
    assert "not a readable zip" in messages(post_zip(client, b"PK but not really"))
    response = client.post("/scenarios", content=b"name: x", headers={"content-type": "text/yaml"})
    assert response.status_code == 415
    no_file = client.post("/scenarios", files={"other": ("a.zip", b"x")})
    assert no_file.status_code == 422 and "'file'" in messages(no_file)


def test_scenario_errors_in_a_zip_read_like_the_cli(client: httpx.Client, tmp_path: Path) -> None:
    """A bad cell in a zipped CSV is reported with file, line, field and value, as the CLI does."""
    write_scenario(small_scenario(seed=2, n_customers=6, n_shops=3, days=7), tmp_path)
    shops = (tmp_path / "shops.csv").read_text().splitlines()
    cells = shops[2].split(",")
    cells[list(shops[0].split(",")).index("lat")] = "95"
    shops[2] = ",".join(cells)
    (tmp_path / "shops.csv").write_text("\n".join(shops) + "\n")
    response = post_zip(client, zip_bytes(folder_entries(tmp_path)))
    assert response.status_code == 422
    assert "shops.csv line 3" in messages(response) and "95.0 is not a latitude" in (
        messages(response)
    )
