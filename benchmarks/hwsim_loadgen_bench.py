"""Timing benchmarks of hwsim's virtual-time LoadGen (hwsim.engine.loadgen).

``run() -> list[dict]`` returns entries ``{"name", "value", "unit", "target"}`` (wall-clock seconds
measured with ``time.perf_counter``; ``target`` is the upper bound from the task brief):

- ``server_270336_queries_s``: one default-length Server run (ResNet-50 bound, 2 ms constant device,
  300 QPS, 270,336 queries) — target < 2 s;
- ``server_find_max_qps_s``: a full :func:`find_max_qps` search with the rules' defaults
  (600 s / 270,336 queries per trial) — target < 30 s on a 2-core machine.
"""

from __future__ import annotations

import time

from hwsim.engine import loadgen as lg


def run() -> list[dict]:
    device = lg.ConstantDevice(0.002)
    t0 = time.perf_counter()
    result = lg.run_server(device, target_qps=300, benchmark="resnet50", seed=1)
    server_s = time.perf_counter() - t0
    assert result.query_count == 270_336
    t0 = time.perf_counter()
    search = lg.find_max_qps(device, benchmark="resnet50", seed=1)
    search_s = time.perf_counter() - t0
    return [
        {"name": "server_270336_queries_s", "value": server_s, "unit": "s", "target": 2.0},
        {
            "name": "server_find_max_qps_s",
            "value": search_s,
            "unit": "s",
            "target": 30.0,
            "max_qps": search.max_qps,
            "trials": len(search.trials),
        },
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
