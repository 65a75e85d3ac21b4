"""Issue 19 case 15 (input part): `city-scenario --currency`, and no server paths in messages."""

import io
import zipfile
from pathlib import Path

import httpx
import yaml
from builders import BUNDLED
from typer.testing import CliRunner

from hostile.files import errors
from pickup_net.cli import app


def _zip_folder(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in folder.iterdir():
            archive.write(path, path.name)
    return buffer.getvalue()


def _post_zip(client: httpx.Client, data: bytes) -> httpx.Response:
    return client.post("/scenarios", files={"file": ("scenario.zip", data, "application/zip")})


def test_case15_city_scenario_writes_the_given_currency(tmp_path: Path) -> None:
    """Case 15: `city-scenario --currency BRL` writes BRL; without `--currency` it refuses."""
    osm = str(BUNDLED / "fontibon.osm.pbf")
    small = ["--customers", "20", "--shops", "5", "--history-days", "7", "--out"]
    runner = CliRunner()
    missing = runner.invoke(app, ["city-scenario", osm, *small, str(tmp_path / "a")])
    assert missing.exit_code == 2 and "--currency" in missing.output
    out = tmp_path / "b"
    made = runner.invoke(app, ["city-scenario", osm, "--currency", "BRL", *small, str(out)])
    assert made.exit_code == 0, made.output
    assert yaml.safe_load((out / "scenario.yaml").read_text(encoding="utf-8"))["currency"] == "BRL"


def test_case15_cli_messages_name_files_not_absolute_paths(folder: Path) -> None:
    """Case 15: a missing table is named as the scenario names it, without the folder's path."""
    (folder.parent / "depots.csv").unlink()
    messages = errors(folder)
    assert "depots.csv: file does not exist" in messages
    assert not any(str(folder.parent) in m for m in messages)


def test_case15_upload_messages_hide_the_servers_temporary_folder(
    client: httpx.Client, folder: Path
) -> None:
    """Case 15: a zip missing a table gets a 422 naming the file, not the server's temp path."""
    (folder.parent / "depots.csv").unlink()
    response = _post_zip(client, _zip_folder(folder.parent))
    assert response.status_code == 422
    assert "depots.csv" in response.text
    assert "/tmp" not in response.text and "pickup-net-upload" not in response.text


def test_case15_upload_of_a_non_osm_street_file_is_refused(
    client: httpx.Client, folder: Path
) -> None:
    """Case 13 through the API: a zip whose street file is text is a 422 naming it."""
    (folder.parent / "streets.osm.pbf").write_text("not an extract")
    spec = yaml.safe_load(folder.read_text(encoding="utf-8"))
    folder.write_text(yaml.safe_dump({**spec, "streets": "streets.osm.pbf"}), encoding="utf-8")
    response = _post_zip(client, _zip_folder(folder.parent))
    assert response.status_code == 422, response.text
    assert "streets: streets.osm.pbf is not an OSM extract" in response.text
    assert "/tmp" not in response.text
