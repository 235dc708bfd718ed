"""Benchmark ``reportgen serve``: what one keystroke costs on the server, and opening a form.

Run: .venv/bin/python bench/bench_serve.py [--runs N]

Through Starlette's TestClient in one process (no network, no browser), on the seed-002
report (samples/002-zengcheng-2020.yaml): ``POST /api/draft`` — parse the form, write the
YAML, run every check, render the text previews, write the draft — and ``POST /api/check``
(the same without the draft), ``GET /edit`` (open the file, check it, render the form), and a
real HTTP round trip of ``POST /api/draft`` to ``reportgen serve`` started as a command.
Prints min / median / max in milliseconds.
"""

from __future__ import annotations

import argparse
import json
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SAMPLE = ROOT / "samples" / "002-zengcheng-2020.yaml"
CSRF = "bench-csrf-token-0123456789"


def timed(action, runs: int) -> list[float]:
    action()  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return times


def show(name: str, times: list[float]) -> None:
    print(
        f"{name:<34} min {min(times):7.1f} ms   median {statistics.median(times):7.1f} ms"
        f"   max {max(times):7.1f} ms   ({len(times)} runs)"
    )


def form_values() -> dict[str, str]:
    from reportgen.wizard.answers import AnswerStore

    store = AnswerStore.from_report_file(SAMPLE)
    return {k: "" if v is None else str(v) for k, v in store.values.items() if "@" not in k}


def in_process(runs: int) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        from starlette.testclient import TestClient

    from reportgen.serve.app import ServeConfig, create_app

    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "a.yaml").write_text(SAMPLE.read_text(encoding="utf-8"), "utf-8")
        client = TestClient(create_app(ServeConfig(root=Path(folder), csrf=CSRF)))
        body = json.dumps({"file": "a.yaml", "values": form_values()})
        headers = {"X-CSRF-Token": CSRF}

        def post(url: str):
            def run() -> None:
                assert client.post(url, content=body, headers=headers).status_code == 200

            return run

        def page() -> None:
            assert client.get("/edit?file=a.yaml").status_code == 200

        show("POST /api/check (in process)", timed(post("/api/check"), runs))
        show("POST /api/draft (in process)", timed(post("/api/draft"), runs))
        show("GET /edit (in process)", timed(page, runs))


def over_http(runs: int) -> None:
    import httpx

    with tempfile.TemporaryDirectory() as folder:
        proc = subprocess.Popen(
            [sys.executable, "-m", "reportgen", "serve", folder, "--port", "0", "--no-browser"],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        try:
            url = None
            for _ in range(5):
                match = re.search(r"(http://\S+)", proc.stdout.readline())
                if match:
                    url = match.group(1)
                    break
            assert url, "reportgen serve did not start"
            # Browsers send with TCP_NODELAY; without it httpx's separate header and body
            # writes wait for a delayed ACK (~40 ms) that a browser never sees.
            nodelay = [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]
            transport = httpx.HTTPTransport(socket_options=nodelay)
            with httpx.Client(base_url=url, timeout=30, transport=transport) as http:
                page = http.get("edit?file=a.yaml").text
                csrf = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
                body = json.dumps({"file": "a.yaml", "values": form_values()})

                def post() -> None:
                    r = http.post("api/draft", content=body, headers={"X-CSRF-Token": csrf})
                    assert r.status_code == 200

                show("POST /api/draft (HTTP, uvicorn)", timed(post, runs))
        finally:
            proc.terminate()
            proc.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    in_process(args.runs)
    over_http(args.runs)


if __name__ == "__main__":
    main()
