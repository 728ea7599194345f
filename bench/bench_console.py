"""Benchmark of the console and the public page in headless Chromium on the demo city.

Starts ``warmgrid serve`` (demo city, default scenario, fresh SQLite file, demo tokens) on
127.0.0.1, signs an operator in, then measures in Debian's Chromium (Playwright):

1. console ready: from navigation start to the map drawn and the key figures shown;
2. damage → figures: from submitting a damage edit (one asset) to the new key figures
   on the page (a different feeder cable each time, each retracted before the next);
3. public page ready: anonymous, 375 px wide, alerts and map drawn.

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


def start_server(db: Path, port: int) -> tuple[subprocess.Popen[str], str]:
    """``warmgrid serve`` with demo tokens; returns the process and the operator token."""
    command = [sys.executable, "-c", "from warmgrid.cli import main; main()", "serve"]
    command += ["--db", f"sqlite:///{db}", "--host", HOST, "--port", str(port)]
    command += ["--seed-demo", "--demo-tokens"]
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per measure (median)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="warmgrid-bench-console-") as folder:
        port = free_port()
        started = time.perf_counter()
        server, token = start_server(Path(folder) / "console.db", port)
        start_s = time.perf_counter() - started
        base = f"http://{HOST}:{port}"
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM_PATH, args=list(CHROMIUM_ARGS)
                )
                context = browser.new_context(viewport={"width": 1400, "height": 860})
                assert context.request.post(f"{base}/session", data={"token": token}).ok
                console_s, damage_s, public_s = [], [], []
                page = context.new_page()
                for _ in range(args.repeat + 1):  # the first run warms the browser cache
                    page.goto(base + "/")
                    page.wait_for_selector(DRAWN)
                    console_s.append(page.evaluate(DRAWN_S))
                console_s = console_s[1:]
                page.click("#tab-damage")
                api = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"})
                incident = int(page.input_value("#dmg-incident"))
                base_figures = page.get_attribute("#figures", "data-people-without-power")
                for asset in FEEDER_CABLES[: args.repeat]:
                    damage_s.append(page.evaluate(DAMAGE_JS, asset))
                    link = next(
                        d["id"]
                        for d in api.get(f"/incidents/{incident}/damage").json()
                        if d["asset_id"] == asset
                    )
                    api.post(f"/incidents/{incident}/damage/{link}/retract").raise_for_status()
                    page.wait_for_function(BACK_TO, arg=base_figures)
                anonymous = browser.new_context(viewport={"width": 375, "height": 800})
                public = anonymous.new_page()
                for _ in range(args.repeat + 1):
                    public.goto(base + "/public")
                    public.wait_for_selector(DRAWN)
                    public_s.append(public.evaluate(DRAWN_S))
                public_s = public_s[1:]
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
    measures = {
        "console_ready_s": float(np.median(console_s)),
        "damage_to_figures_s": float(np.median(damage_s)),
        "public_ready_s": float(np.median(public_s)),
    }
    print(
        json.dumps(
            {
                "city": "demo",
                "server_start_s": round(start_s, 2),
                "repeat": args.repeat,
                **{k: round(v, 3) for k, v in measures.items()},
                "runs": {
                    "console_ready_s": [round(v, 3) for v in console_s],
                    "damage_to_figures_s": [round(v, 3) for v in damage_s],
                    "public_ready_s": [round(v, 3) for v in public_s],
                },
                "targets_s": TARGETS_S,
                "meets_targets": all(measures[k] <= TARGETS_S[k] for k in TARGETS_S),
            }
        )
    )


if __name__ == "__main__":
    main()
