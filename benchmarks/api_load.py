"""Load on the planner API over loopback: shop owners reading assignments, plans submitted at once.

Starts `uvicorn pickup_net.service.main:app` on a fresh SQLite file (or `--database-url`), or
targets a running server with `--url` and `--token`. Two measurements:

1. `--owners` concurrent shop owners (one keep-alive connection and one shop token each) read
   `GET /shop/assignment` `--requests` times; latency per request, throughput, status counts.
2. `--plans` plans of a small scenario submitted at once; all must finish, none may be lost, and
   none run twice (each plan's `attempts` must be 1).

Run it as `flock /tmp/pickup-bench.lock python benchmarks/api_load.py`; results go to
`benchmarks/results/api_load.{csv,md}`.
"""

import argparse
import asyncio
import csv
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import numpy as np

from pickup_net.domain import Depot, Parameters, Scenario, Shop
from pickup_net.synth import Household, default_fleet, default_products, generate_orders

RESULTS = Path(__file__).resolve().parent / "results"
TERMINAL = ("done", "failed", "cancelled")


def load_scenario(name: str, shops: int, customers: int, hubs: int, seed: int) -> Scenario:
    """A seeded scenario in a 2 km square without a street file (straight-line distances)."""
    rng = np.random.default_rng(seed)
    lon0, lat0 = -74.14, 4.66

    def point() -> tuple[float, float]:
        return round(lon0 + rng.uniform(0, 0.018), 6), round(lat0 + rng.uniform(0, 0.018), 6)

    shop_list = [
        Shop(id=f"S{i + 1:03d}", name=f"Tienda {i + 1}", lon=lon, lat=lat, storage_liters=400,
             max_pickups_per_day=40)
        for i, (lon, lat) in enumerate(point() for _ in range(shops))
    ]  # fmt: skip
    people = [
        Household(f"C{i + 1:04d}", *point(), bool(rng.random() < 0.2), float(rng.gamma(2, 0.5)))
        for i in range(customers)
    ]
    products = default_products()[:4]
    orders = generate_orders(people, {p.id: 0.05 for p in products}, date(2026, 10, 1), 14, rng)
    return Scenario(
        name=name,
        currency="COP",
        shops=shop_list,
        products=products,
        orders=orders,
        depots=[Depot(id="D1", lon=lon0 - 0.004, lat=lat0 - 0.004)],
        vehicle_types=default_fleet("D1", 3),
        parameters=Parameters(
            plan_date=date(2026, 10, 15),
            n_hubs=hubs,
            location_time_limit_s=1.0,
            routing_time_limit_s=1.0,
            routing_engine="ortools",
        ),
    )


def start_server(database_url: str, workers: int, log: Path) -> tuple[subprocess.Popen, str]:
    """Start uvicorn on a free loopback port; return the process and its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "PICKUP_NET_DATABASE_URL": database_url, "PICKUP_NET_JOB_POLL_S": "0.2"}
    command = [sys.executable, "-m", "uvicorn", "pickup_net.service.main:app", "--host",
               "127.0.0.1", "--port", str(port), "--workers", str(workers), "--log-level",
               "warning"]  # fmt: skip
    process = subprocess.Popen(command, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return process, url
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"server did not start; see {log}")


def planner_token(database_url: str) -> str:
    """A planner token written straight into the database the started server uses."""
    from sqlalchemy.orm import Session

    from pickup_net.service.db import make_engine
    from pickup_net.service.security import create_token

    engine = make_engine(database_url)
    with Session(engine) as session:
        token = create_token(session, "planner", "api_load benchmark")
        session.commit()
    engine.dispose()
    return token


def upload(client: httpx.Client, scenario: Scenario) -> str:
    """POST a scenario as JSON; return its id."""
    response = client.post(
        "/scenarios",
        content=scenario.model_dump_json(),
        headers={"content-type": "application/json"},
    )
    response.raise_for_status()
    return response.json()["id"]


def wait_all(client: httpx.Client, ids: list[str], timeout_s: float) -> dict[str, dict]:
    """Poll until every plan is finished or the time is up; the last state of each."""
    states: dict[str, dict] = {}
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for plan_id in ids:
            if states.get(plan_id, {}).get("status") not in TERMINAL:
                states[plan_id] = client.get(f"/plans/{plan_id}").json()
        if all(state["status"] in TERMINAL for state in states.values()):
            break
        time.sleep(0.5)
    return states


async def _owner(
    host: str,
    port: int,
    token: str,
    requests: int,
    latencies: list[float],
    statuses: Counter,
    interval_s: float | None = None,
    start_at: float = 0.0,
) -> None:
    """One shop owner on one keep-alive connection, reading their assignment `requests` times:
    back to back, or one read every `interval_s` from `start_at` (latency then counts from the
    scheduled moment, so a slow answer that delays the next read is not hidden)."""
    reader, writer = await asyncio.open_connection(host, port)
    request = (
        f"GET /shop/assignment HTTP/1.1\r\nHost: {host}:{port}\r\n"
        f"Authorization: Bearer {token}\r\n\r\n"
    ).encode()
    try:
        for i in range(requests):
            started = time.perf_counter()
            if interval_s is not None:
                started = start_at + i * interval_s
                await asyncio.sleep(max(0.0, started - time.perf_counter()))
            writer.write(request)
            await writer.drain()
            status = int((await reader.readline()).split()[1])
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode("latin-1").partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            statuses[status] += 1
    finally:
        writer.close()


async def _read_load(
    url: str, tokens: list[str], requests: int, rate_per_owner_hz: float | None
) -> tuple[list[float], Counter, float]:
    host, port = url.removeprefix("http://").split(":")
    latencies: list[float] = []
    statuses: Counter = Counter()
    await asyncio.gather(*(_owner(host, int(port), t, 2, [], Counter()) for t in tokens))  # warm
    interval_s = None if rate_per_owner_hz is None else 1.0 / rate_per_owner_hz
    started = time.perf_counter()
    phases = np.random.default_rng(0).uniform(0, interval_s or 0.0, len(tokens))
    await asyncio.gather(
        *(
            _owner(host, int(port), t, requests, latencies, statuses, interval_s, started + phase)
            for t, phase in zip(tokens, phases, strict=True)
        )
    )
    return latencies, statuses, time.perf_counter() - started


def _summary(
    client: str, owners: int, latencies: list[float], statuses: Counter, seconds: float
) -> dict[str, object]:
    ms = np.array(latencies) * 1000
    return {
        "client": client,
        "owners": owners,
        "requests": len(latencies),
        "seconds": round(seconds, 2),
        "requests_per_s": round(len(latencies) / seconds, 1),
        "p50_ms": round(float(np.percentile(ms, 50)), 2),
        "p95_ms": round(float(np.percentile(ms, 95)), 2),
        "p99_ms": round(float(np.percentile(ms, 99)), 2),
        "max_ms": round(float(ms.max()), 2),
        "non_200": sum(n for code, n in statuses.items() if code != 200),
    }


def measure_reads(
    client: httpx.Client, url: str, owners: int, requests: int, rate_per_owner_hz: float
) -> tuple[list[dict[str, object]], list[str]]:
    """Plan and publish a scenario with `owners` hubs, then let every owner read concurrently
    (Python asyncio client, one keep-alive connection per owner): back to back (closed loop),
    then paced at `rate_per_owner_hz` each (open loop); also returns the tokens."""
    scenario_id = upload(
        client, load_scenario("api-load-reads", owners + 10, 4 * owners, owners, 1)
    )
    plan_id = client.post(f"/scenarios/{scenario_id}/plans").json()["id"]
    state = wait_all(client, [plan_id], 600)[plan_id]
    if state["status"] != "done":
        raise RuntimeError(f"read-load plan ended {state['status']}: {state['error']}")
    tokens = [t["token"] for t in client.post(f"/plans/{plan_id}/publish").json()["tokens"]]
    if len(tokens) < owners:
        raise RuntimeError(f"the plan opened {len(tokens)} hubs, fewer than {owners} owners")
    tokens = tokens[:owners]
    rows = [_summary("python", owners, *asyncio.run(_read_load(url, tokens, requests, None)))]
    if rate_per_owner_hz:
        paced = asyncio.run(_read_load(url, tokens, requests, rate_per_owner_hz))
        label = f"python paced {owners * rate_per_owner_hz:g}/s"
        rows.append(_summary(label, owners, *paced))
    return rows, tokens


_WRK_SCRIPT = """
tokens = {%s}
counter = 0
request = function()
  counter = counter + 1
  local token = tokens[(counter %% #tokens) + 1]
  return wrk.format("GET", "/shop/assignment", {["Authorization"] = "Bearer " .. token})
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d %%d %%d\\n", summary.requests,
    summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, summary.errors.status, summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout))
end
"""


def measure_reads_wrk(url: str, tokens: list[str], seconds: int, tmp: Path) -> dict[str, object]:
    """The same reads driven by `wrk` (C, two threads): one connection per owner, each request
    under the next owner's token; a lighter load generator than Python leaves more CPU to the
    server on a small machine."""
    script = tmp / "owners.lua"
    script.write_text(_WRK_SCRIPT % ", ".join(f'"{token}"' for token in tokens))
    command = ["wrk", "-t2", f"-c{len(tokens)}", f"-d{seconds}s", "-s", str(script), url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("RESULT"))
    count, duration_us, p50, p95, p99, peak, non_2xx, errors = map(int, line.split()[1:])
    return {
        "client": "wrk",
        "owners": len(tokens),
        "requests": count,
        "seconds": round(duration_us / 1e6, 2),
        "requests_per_s": round(count / (duration_us / 1e6), 1),
        "p50_ms": round(p50 / 1000, 2),
        "p95_ms": round(p95 / 1000, 2),
        "p99_ms": round(p99 / 1000, 2),
        "max_ms": round(peak / 1000, 2),
        "non_200": non_2xx + errors,
    }


def measure_plans(client: httpx.Client, plans: int) -> dict[str, object]:
    """Submit `plans` plans of one small scenario at once and wait for all of them."""
    scenario_id = upload(client, load_scenario("api-load-plans", 8, 30, 3, 2))
    started = time.perf_counter()
    with ThreadPoolExecutor(plans) as pool:
        responses = list(
            pool.map(
                lambda seed: client.post(
                    f"/scenarios/{scenario_id}/plans", json={"parameters": {"seed": seed}}
                ),
                range(plans),
            )
        )
    ids = [response.json()["id"] for response in responses if response.status_code == 202]
    states = wait_all(client, ids, 900)
    seconds = time.perf_counter() - started
    status = Counter(state["status"] for state in states.values())
    attempts = [state["attempts"] for state in states.values()]
    durations = [
        (
            datetime.fromisoformat(s["finished_at"]) - datetime.fromisoformat(s["created_at"])
        ).total_seconds()
        for s in states.values()
        if s["finished_at"]
    ]
    return {
        "plans": plans,
        "accepted": len(ids),
        "done": status["done"],
        "failed": status["failed"],
        "lost": plans - sum(status[s] for s in TERMINAL),
        "run_twice": sum(1 for a in attempts if a != 1),
        "seconds": round(seconds, 1),
        "mean_submit_to_done_s": round(statistics.mean(durations), 1) if durations else None,
        "max_submit_to_done_s": round(max(durations), 1) if durations else None,
    }


def write_results(rows: list[dict[str, object]], notes: list[str], stem: str) -> None:
    """Write the rows as CSV and Markdown under benchmarks/results/."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    fields = sorted({key for row in rows for key in row}, key=lambda k: (k != "measure", k))
    with (RESULTS / f"{stem}.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    lines = [f"# API load ({stem})", "", *notes, ""]
    for measure in dict.fromkeys(row["measure"] for row in rows):
        subset = [row for row in rows if row["measure"] == measure]
        keys = [k for k in subset[0] if k != "measure"]
        lines += [f"## {measure}", "", "| " + " | ".join(keys) + " |",
                  "|" + "---|" * len(keys)]  # fmt: skip
        lines += ["| " + " | ".join(str(row[k]) for k in keys) + " |" for row in subset]
        lines.append("")
    (RESULTS / f"{stem}.md").write_text("\n".join(lines))
    print("\n".join(lines))


def main() -> None:
    """Parse arguments, run both measurements and write the results."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="A running server (then --token is needed).")
    parser.add_argument("--token", help="A planner token for --url.")
    parser.add_argument(
        "--database-url", help="Database for the started server (default: temp SQLite)."
    )
    parser.add_argument(
        "--workers", type=int, default=1, help="uvicorn workers of the started server."
    )
    parser.add_argument("--owners", type=int, default=50)
    parser.add_argument("--requests", type=int, default=200, help="Reads per owner.")
    parser.add_argument("--plans", type=int, default=20)
    parser.add_argument(
        "--rate-per-owner", type=float, default=10.0, help="Paced reads per owner and second."
    )
    parser.add_argument("--wrk-seconds", type=int, default=10, help="0 skips the wrk run.")
    parser.add_argument("--stem", default="api_load", help="Results file name stem.")
    args = parser.parse_args()

    process = None
    with tempfile.TemporaryDirectory(prefix="pickup-net-api-load-") as tmp:
        if args.url:
            url, token = args.url.rstrip("/"), args.token
        else:
            database_url = args.database_url or f"sqlite:///{Path(tmp) / 'load.sqlite3'}"
            token = planner_token(database_url)
            process, url = start_server(database_url, args.workers, Path(tmp) / "server.log")
        try:
            headers = {"Authorization": f"Bearer {token}"}
            with httpx.Client(base_url=url, headers=headers, timeout=60) as client:
                database = client.get("/healthz").json()["database"]
                load_before = os.getloadavg()
                reads, tokens = measure_reads(
                    client, url, args.owners, args.requests, args.rate_per_owner
                )
                wrk_reads = (
                    measure_reads_wrk(url, tokens, args.wrk_seconds, Path(tmp))
                    if shutil.which("wrk") and args.wrk_seconds
                    else None
                )
                plans = measure_plans(client, args.plans)
        finally:
            if process is not None:
                process.terminate()
                process.wait(30)
    config = {"database": database, "workers": args.workers if process else "external"}
    rows = [{"measure": "shop reads", **config, **row} for row in reads]
    if wrk_reads is not None:
        rows.append({"measure": "shop reads", **config, **wrk_reads})
    rows.append({"measure": "plans at once", **config, **plans})
    notes = [
        f"Run {datetime.now(UTC).isoformat(timespec='seconds')} on {platform.node()}: "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, server and load generator "
        f"on the same machine over loopback. Load average before the run: "
        f"{', '.join(f'{x:.1f}' for x in load_before)}.",
        "Other sessions (tests, editors, solver runs) were working on the machine during the run.",
        f"Reads: {args.owners} owners, one keep-alive connection and shop token each, "
        f"{args.requests} reads each (after 2 warm-up reads), back to back (`python`, closed "
        f"loop) and paced at {args.rate_per_owner:g} reads/s each (open loop, latency from the "
        "scheduled moment); the wrk row: {args.owners} "
        f"connections for {args.wrk_seconds} s, each request under the next owner's token. "
        f"Plans: {args.plans} plans of an "
        "8-shop, 30-customer scenario (no street file, 1 s solver limits) submitted at once; "
        "`run_twice` counts plans with attempts != 1.",
    ]
    write_results(rows, notes, args.stem)


if __name__ == "__main__":
    main()
