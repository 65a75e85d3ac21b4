"""Hostile load on the planner API over loopback: huge uploads and a burst of plans at once.

Starts `uvicorn pickup_net.service.main:app` on a fresh SQLite file with the default limits (the
helpers of `api_load.py`), then, all at once: `--uploads` zips of `--orders` orders each (within
the upload size limit, over the order limit), `--plans` plan submissions of one small scenario
under one planner token, `--greedy` plans asking for `routing_time_limit_s: 1e9`, and a second
planner who uploads a scenario within the limits (retrying after `Retry-After`) and submits plans
of a large stored scenario. It samples the RSS of the server process and all its children (fork
server, plan processes) every 0.1 s, counts the answers by status code, times plan submissions
on a small and a large stored scenario, and waits (bounded) for the accepted plans.

Run it as `flock /tmp/pickup-bench.lock python benchmarks/hostile_load.py`; results go to
`benchmarks/results/hostile_load.{csv,md}`.
"""

import argparse
import csv
import io
import os
import platform
import statistics
import tempfile
import threading
import time
import zipfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import numpy as np
import psutil
from api_load import TERMINAL, load_scenario, planner_token, start_server, upload, wait_all

from pickup_net.domain import Scenario
from pickup_net.io.scenario_writer import write_scenario

RESULTS = Path(__file__).resolve().parent / "results"
_ORDER_FIELDS = "id,timestamp,customer_id,lon,lat,product_id,quantity,delivery_mode\n"


class RssSampler:
    """Peak resident memory of a process and all its descendants, sampled in a thread."""

    def __init__(self, pid: int, interval_s: float = 0.1) -> None:
        self.process = psutil.Process(pid)
        self.interval_s = interval_s
        self.peak_bytes = 0
        self.phase_peaks: dict[str, int] = {}
        self.phase = "start"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def current(self) -> int:
        """RSS of the process and its children now, in bytes."""
        total = 0
        for process in [self.process, *self.process.children(recursive=True)]:
            try:
                total += process.memory_info().rss
            except psutil.Error:  # a plan process that just ended
                continue
        return total

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            try:
                rss = self.current()
            except psutil.Error:
                return
            self.peak_bytes = max(self.peak_bytes, rss)
            self.phase_peaks[self.phase] = max(self.phase_peaks.get(self.phase, 0), rss)

    def start(self) -> "RssSampler":
        """Start sampling."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop sampling."""
        self._stop.set()
        self._thread.join()


def orders_zip(base: Scenario, orders: int, folder: Path, seed: int) -> bytes:
    """A zipped scenario folder: `base`'s tables with an orders file of `orders` random rows
    written straight to CSV (a million model objects would not fit the benchmark's own RAM)."""
    write_scenario(base, folder)
    rng = np.random.default_rng(seed)
    lon = np.round(-74.14 + rng.uniform(0, 0.018, orders), 6)
    lat = np.round(4.66 + rng.uniform(0, 0.018, orders), 6)
    customers = rng.integers(0, max(1, orders // 20), orders)
    minutes = rng.integers(0, 14 * 24 * 60, orders)
    products = [p.id for p in base.products]
    product = rng.integers(0, len(products), orders)
    start = datetime(2026, 10, 1)
    with (folder / "orders.csv").open("w", encoding="utf-8") as handle:
        handle.write(_ORDER_FIELDS)
        for i in range(orders):
            stamp = (start + timedelta(minutes=int(minutes[i]))).isoformat()
            handle.write(
                f"X{i:07d},{stamp},K{customers[i]:06d},{lon[i]},{lat[i]},"
                f"{products[product[i]]},1,pickup\n"
            )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, path.name)
    return buffer.getvalue()


def post_zip(client: httpx.Client, data: bytes) -> httpx.Response:
    """Upload a zipped scenario folder as multipart field `file`."""
    return client.post("/scenarios", files={"file": ("scenario.zip", data, "application/zip")})


def upload_with_retry(client: httpx.Client, data: bytes, attempts: int = 8) -> httpx.Response:
    """Upload, waiting `Retry-After` seconds after each 429 (as a well-behaved client does)."""
    for _ in range(attempts):
        response = post_zip(client, data)
        if response.status_code != 429:
            return response
        time.sleep(float(response.headers.get("Retry-After", "5")))
    return response


def submit_latency(client: httpx.Client, scenario_id: str, count: int) -> list[float]:
    """Seconds taken by `count` plan submissions of one scenario (each cancelled at once)."""
    seconds = []
    for seed in range(count):
        started = time.perf_counter()
        response = client.post(
            f"/scenarios/{scenario_id}/plans", json={"parameters": {"seed": seed}}
        )
        seconds.append(time.perf_counter() - started)
        response.raise_for_status()
        client.post(f"/plans/{response.json()['id']}/cancel")
    return seconds


def run(args: argparse.Namespace, tmp: Path) -> tuple[list[dict[str, object]], list[str]]:
    """Start the server, run the phases, and return the result rows and notes."""
    database_url = f"sqlite:///{tmp / 'hostile.sqlite3'}"
    attacker_token = planner_token(database_url)
    planner = planner_token(database_url)
    base = load_scenario("hostile-base", 8, 30, 3, 2)
    started = time.perf_counter()
    huge = orders_zip(base, args.orders, tmp / "huge", seed=1)
    large = orders_zip(base, args.large_orders, tmp / "large", seed=2)
    medium = orders_zip(base, args.medium_orders, tmp / "medium", seed=3)
    print(f"zips built in {time.perf_counter() - started:.0f} s: {len(huge)} / {len(large)} bytes")
    process, url = start_server(database_url, 1, tmp / "server.log")
    sampler = RssSampler(process.pid).start()
    rows: list[dict[str, object]] = []
    try:
        idle_rss = sampler.current()
        attacker = httpx.Client(
            base_url=url, headers={"Authorization": f"Bearer {attacker_token}"}, timeout=600
        )
        honest = httpx.Client(
            base_url=url, headers={"Authorization": f"Bearer {planner}"}, timeout=600
        )
        small_id = upload(attacker, base)

        sampler.phase = "large upload alone"
        began = time.perf_counter()
        stored = post_zip(honest, large)
        large_s = time.perf_counter() - began
        stored.raise_for_status()
        large_id = stored.json()["id"]
        rows.append(
            {"measure": "large upload alone", "request": f"zip of {args.large_orders} orders",
             "count": 1, "statuses": "201", "seconds": round(large_s, 1),
             "zip_bytes": len(large)}
        )  # fmt: skip

        sampler.phase = "hostile burst"
        statuses: dict[str, Counter] = {}
        timings: dict[str, list[float]] = {}

        def timed(kind: str, call) -> httpx.Response:  # type: ignore[no-untyped-def]
            began = time.perf_counter()
            response = call()
            timings.setdefault(kind, []).append(time.perf_counter() - began)
            statuses.setdefault(kind, Counter())[response.status_code] += 1
            return response

        jobs = []
        burst_started = time.perf_counter()
        with ThreadPoolExecutor(args.uploads + args.plans + args.greedy + 1) as pool:
            for _ in range(args.uploads):
                jobs.append(
                    pool.submit(
                        timed, f"zip of {args.orders} orders", lambda: post_zip(attacker, huge)
                    )
                )
            for seed in range(args.plans):
                body = {"parameters": {"seed": seed}}
                jobs.append(
                    pool.submit(
                        timed,
                        "plan of a small scenario",
                        lambda body=body: attacker.post(f"/scenarios/{small_id}/plans", json=body),
                    )
                )
            greedy = {"parameters": {"routing_time_limit_s": 1e9}}
            for _ in range(args.greedy):
                jobs.append(
                    pool.submit(
                        timed,
                        "plan with routing_time_limit_s 1e9",
                        lambda: attacker.post(f"/scenarios/{small_id}/plans", json=greedy),
                    )
                )
            jobs.append(
                pool.submit(
                    timed,
                    f"2nd planner: zip of {args.medium_orders} orders, retried after Retry-After",
                    lambda: upload_with_retry(honest, medium),
                )
            )
            responses = [job.result() for job in jobs]
        burst_s = time.perf_counter() - burst_started
        accepted = [r.json()["id"] for r in responses if r.status_code == 202 and "id" in r.json()]
        retry_after = sorted(
            {r.headers.get("Retry-After") for r in responses if r.status_code == 429}
        )
        for kind, counter in statuses.items():
            rows.append(
                {"measure": "hostile burst (all at once)", "request": kind,
                 "count": sum(counter.values()),
                 "statuses": " ".join(f"{code}x{n}" for code, n in sorted(counter.items())),
                 "seconds": round(max(timings[kind]), 2)}
            )  # fmt: skip

        sampler.phase = "plan submissions"
        small_s = submit_latency(honest, small_id, args.latency_samples)
        large_plan_s = submit_latency(honest, large_id, args.latency_samples)
        for label, seconds in ((f"{len(base.orders)} orders", small_s),
                               (f"{args.large_orders} orders", large_plan_s)):  # fmt: skip
            rows.append(
                {"measure": "plan submission latency", "request": f"scenario of {label}",
                 "count": len(seconds), "statuses": "202",
                 "seconds": round(statistics.median(seconds), 3),
                 "max_s": round(max(seconds), 3)}
            )  # fmt: skip

        sampler.phase = "accepted plans run"
        states = wait_all(attacker, accepted, args.wait_s)
        finished = Counter(state["status"] for state in states.values())
        unfinished = sum(1 for s in states.values() if s["status"] not in TERMINAL)
        rows.append(
            {"measure": "accepted plans", "request": "plans of the burst that got 202",
             "count": len(accepted),
             "statuses": " ".join(f"{k}x{v}" for k, v in sorted(finished.items())),
             "seconds": round(time.perf_counter() - burst_started, 1),
             "unfinished": unfinished}
        )  # fmt: skip
        attacker.close()
        honest.close()
    finally:
        sampler.stop()
        process.terminate()
        process.wait(30)
    peaks = {phase: round(rss / 2**20) for phase, rss in sampler.phase_peaks.items()}
    rows.append(
        {"measure": "server memory", "request": "peak RSS, server + children (MiB)",
         "count": len(peaks), "statuses": "; ".join(f"{k}: {v}" for k, v in peaks.items()),
         "peak_mib": round(sampler.peak_bytes / 2**20), "idle_mib": round(idle_rss / 2**20)}
    )  # fmt: skip
    notes = [
        f"Run {datetime.now(UTC).isoformat(timespec='seconds')} on {platform.node()}: "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, server and load generator "
        "on the same machine over loopback, default limits (`PICKUP_NET_*` unset) and one "
        f"server process on SQLite. Load average before: {args.load_before}.",
        "The machine was shared: other engineers' tests and solver runs were working during "
        "the run, so seconds are upper bounds; memory and status codes do not depend on it.",
        f"Burst: {args.uploads} zips of {args.orders} orders ({len(huge)} bytes each, under the "
        f"upload size limit), {args.plans} plan submissions and {args.greedy} greedy plans under "
        "one planner token, and a second planner uploading a "
        f"{args.medium_orders}-order zip, all started at once; burst answered in "
        f"{burst_s:.1f} s. `Retry-After` values seen: {', '.join(map(str, retry_after)) or '-'}.",
        f"Peak RSS of the server and all its children: {sampler.peak_bytes / 2**20:.0f} MiB "
        f"(idle {idle_rss / 2**20:.0f} MiB); target under 2048 MiB.",
    ]
    return rows, notes


def write_results(rows: list[dict[str, object]], notes: list[str]) -> None:
    """Write the rows as CSV and Markdown under benchmarks/results/."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    fields = list(dict.fromkeys(key for row in rows for key in row))
    with (RESULTS / "hostile_load.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    lines = ["# Hostile load on the API", "", *notes, ""]
    for measure in dict.fromkeys(row["measure"] for row in rows):
        subset = [row for row in rows if row["measure"] == measure]
        keys = list(dict.fromkeys(k for row in subset for k in row if k != "measure"))
        lines += [f"## {measure}", "", "| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
        lines += ["| " + " | ".join(str(row.get(k, "")) for k in keys) + " |" for row in subset]
        lines.append("")
    (RESULTS / "hostile_load.md").write_text("\n".join(lines))
    print("\n".join(lines))


def main() -> None:
    """Parse arguments, run the hostile load once and write the results."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--uploads", type=int, default=3, help="Huge uploads at once (max 5).")
    parser.add_argument("--orders", type=int, default=1_000_000, help="Orders per huge upload.")
    parser.add_argument("--large-orders", type=int, default=150_000)
    parser.add_argument("--medium-orders", type=int, default=20_000)
    parser.add_argument("--plans", type=int, default=20, help="Plan submissions (max 200).")
    parser.add_argument("--greedy", type=int, default=2)
    parser.add_argument("--latency-samples", type=int, default=5)
    parser.add_argument("--wait-s", type=float, default=300.0, help="Wait for accepted plans.")
    args = parser.parse_args()
    args.uploads, args.plans = min(args.uploads, 5), min(args.plans, 200)
    args.orders = min(args.orders, 2_000_000)
    args.load_before = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    with tempfile.TemporaryDirectory(prefix="pickup-net-hostile-") as tmp:
        rows, notes = run(args, Path(tmp))
    write_results(rows, notes)


if __name__ == "__main__":
    main()
