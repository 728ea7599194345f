"""Benchmark of the console and the public page in headless Chromium on the demo city.

Starts ``warmgrid serve`` (demo city, default scenario, fresh SQLite file, demo tokens) on
127.0.0.1, signs an operator in, then measures in Debian's Chromium (Playwright):

1. console ready: from navigation start to the map drawn and the key figures shown;
2. damage → figures: from submitting a damage edit (one asset) to the new key figures
   on the page (a different feeder cable each time, each retracted before the next);
3. public page ready: anonymous, 375 px wide, alerts and map drawn.

With ``--buildings N`` the city is a synthetic one of N buildings (seeded,
:func:`warmgrid.model.synth.synthetic_city`) written to a temporary folder and served
with a scenario of four crews (heuristic plan) and no damage; an incident is logged
through the API, and the damage edits are 10 kV cables whose loss cuts power to
somebody. Targets at 100,000 buildings (issue 9): console ≤ 4 s, damage → figures ≤ 3 s.

Times are taken by the page's own clock (``performance.now()`` from navigation start;
"drawn" is the map's first ``idle`` event once the data is on it); the median of
``--repeat`` runs is reported. Targets (issue 9): console ≤ 1.5 s, damage → figures
≤ 1 s, public page ≤ 1 s. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np
from playwright.sync_api import sync_playwright

from warmgrid.web.chromium import CHROMIUM_ARGS, CHROMIUM_PATH

HOST = "127.0.0.1"
TARGETS_S = {"console_ready_s": 1.5, "damage_to_figures_s": 1.0, "public_ready_s": 1.0}
LARGE_TARGETS_S = {"console_ready_s": 4.0, "damage_to_figures_s": 3.0}
SEED = 2026
FEEDER_CABLES = [f"power.line.{k}" for k in range(3, 30)]

BACK_TO = "(n) => document.getElementById('figures').dataset.peopleWithoutPower === n"
DRAWN = "body[data-drawn-at]"
DRAWN_S = "Number(document.body.dataset.drawnAt) / 1000"

DAMAGE_JS = """async (asset) => {
    const box = document.getElementById("damage-result");
    const before = box.textContent;
    document.getElementById("dmg-assets").value = asset;
    const start = performance.now();
    const changed = new Promise((resolve) => new MutationObserver((_, observer) => {
        if (box.textContent !== before) { observer.disconnect(); resolve(); }
    }).observe(box, {childList: true, characterData: true, subtree: true}));
    document.getElementById("dmg-submit").click();
    await changed;
    return (performance.now() - start) / 1000;
}"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def start_server(db: Path, port: int, city_args: list[str]) -> tuple[subprocess.Popen[str], str]:
    """``warmgrid serve`` with demo tokens; returns the process and the operator token."""
    command = [sys.executable, "-c", "from warmgrid.cli import main; main()", "serve"]
    command += ["--db", f"sqlite:///{db}", "--host", HOST, "--port", str(port)]
    command += [*city_args, "--demo-tokens"]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    token = ""
    assert server.stdout is not None
    for line in server.stdout:
        if "demo operator:" in line:
            token = line.split()[-1]
        if "Ctrl-C" in line:
            break
    if not token:
        server.kill()
        raise SystemExit("the server did not start")
    return server, token


def synthetic(folder: Path, n_buildings: int, count: int) -> tuple[list[str], list[str]]:
    """A synthetic city and its scenario in ``folder``: the ``serve`` arguments, and
    ``count`` 10 kV cables whose loss leaves people without power."""
    from warmgrid.impact import Damage, assess
    from warmgrid.model import compile_city, save_city
    from warmgrid.model.synth import synthetic_city

    city = synthetic_city(n_buildings, seed=SEED)
    save_city(city, folder / "city")
    lon, lat = float(city.nodes["lon"].mean()), float(city.nodes["lat"].mean())
    crews = "".join(
        f'[[crews]]\nid = "crew-{k}"\nskills = ["electrical", "heat", "civil"]\n'
        f"lon = {lon}\nlat = {lat}\n"
        for k in range(4)
    )
    (folder / "scenario.toml").write_text(
        'name = "bench"\ncity = "city"\nstart = "2026-11-26T04:40:00+02:00"\n'
        '[plan]\nsolver = "heuristic"\n' + crews,
        encoding="utf-8",
    )
    compiled = compile_city(city)
    lines = city.branches[city.branches["kind"] == "line"]["id"].tolist()
    chosen = []
    for asset in lines[:: max(1, len(lines) // 400)]:
        if assess(compiled, Damage(asset_ids=(asset,), areas=())).people_without_power > 0:
            chosen.append(asset)
        if len(chosen) == count:
            break
    args = ["--city", str(folder / "city"), "--scenario", str(folder / "scenario.toml")]
    return args, chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per measure (median)")
    parser.add_argument(
        "--buildings", type=int, default=0, help="a synthetic city of this size (0: the demo)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="warmgrid-bench-console-") as folder:
        port = free_port()
        city_args, cables = ["--seed-demo"], FEEDER_CABLES
        if args.buildings:
            city_args, cables = synthetic(Path(folder), args.buildings, args.repeat)
        started = time.perf_counter()
        server, token = start_server(Path(folder) / "console.db", port, city_args)
        start_s = time.perf_counter() - started
        base = f"http://{HOST}:{port}"
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM_PATH, args=list(CHROMIUM_ARGS)
                )
                context = browser.new_context(viewport={"width": 1400, "height": 860})
                assert context.request.post(f"{base}/session", data={"token": token}).ok
                if args.buildings:
                    incident = {"kind": "strike", "title": "Bench", "time_precision": "unknown"}
                    made = context.request.post(
                        f"{base}/incidents",
                        data=incident,
                        headers={"Authorization": f"Bearer {token}"},
                    )
                    assert made.ok, made.text()
                console_s, damage_s, public_s = [], [], []
                page = context.new_page()
                page.set_default_timeout(120_000)
                for _ in range(args.repeat + 1):  # the first run warms the browser cache
                    page.goto(base + "/")
                    page.wait_for_selector(DRAWN)
                    console_s.append(page.evaluate(DRAWN_S))
                console_s = console_s[1:]
                page.click("#tab-damage")
                api = httpx.Client(
                    base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=120
                )
                incident = int(page.input_value("#dmg-incident"))
                base_figures = page.get_attribute("#figures", "data-people-without-power")
                for asset in cables[: args.repeat]:
                    damage_s.append(page.evaluate(DAMAGE_JS, asset))
                    link = next(
                        d["id"]
                        for d in api.get(f"/incidents/{incident}/damage").json()
                        if d["asset_id"] == asset
                    )
                    api.post(f"/incidents/{incident}/damage/{link}/retract").raise_for_status()
                    page.wait_for_function(BACK_TO, arg=base_figures, timeout=120_000)
                anonymous = browser.new_context(viewport={"width": 375, "height": 800})
                public = anonymous.new_page()
                public.set_default_timeout(120_000)
                for _ in range(args.repeat + 1):
                    public.goto(base + "/public")
                    public.wait_for_selector(DRAWN)
                    public_s.append(public.evaluate(DRAWN_S))
                public_s = public_s[1:]
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
    targets = {**TARGETS_S, **LARGE_TARGETS_S} if args.buildings else TARGETS_S
    measures = {
        "console_ready_s": float(np.median(console_s)),
        "damage_to_figures_s": float(np.median(damage_s)),
        "public_ready_s": float(np.median(public_s)),
    }
    print(
        json.dumps(
            {
                "city": f"synthetic {args.buildings} buildings" if args.buildings else "demo",
                "server_start_s": round(start_s, 2),
                "repeat": args.repeat,
                **{k: round(v, 3) for k, v in measures.items()},
                "runs": {
                    "console_ready_s": [round(v, 3) for v in console_s],
                    "damage_to_figures_s": [round(v, 3) for v in damage_s],
                    "public_ready_s": [round(v, 3) for v in public_s],
                },
                "targets_s": targets,
                "meets_targets": all(measures[k] <= targets[k] for k in targets),
            }
        )
    )


if __name__ == "__main__":
    main()
