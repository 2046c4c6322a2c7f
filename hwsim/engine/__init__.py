"""Pure-Python simulator core of hwsim. Must not import Django (checked by a test).

Modules:
- ``topology``: SCALE-Sim topology CSV parsing (conv and GEMM) into layers.
- ``config``: accelerator configuration (SCALE-Sim ``.cfg`` and hwsim's own JSON).
- ``systolic``: compute cycles of an R×C systolic array per dataflow (os/ws/is), SCALE-Sim v3.0.0 exact.
- ``memory``: SRAM/off-chip traffic, bandwidth stalls, energy (checked per layer against real SCALE-Sim 3.0.0);
  ``ifmap_stream``: its exact replay of overlapping-window ifmap streams; ``user_mode``: its replay of SCALE-Sim's
  USER-mode read/write buffers (bandwidth stalls).
- ``platform``: multi-chiplet platforms joined by a die-to-die link.
- ``workloads``: built-in networks (ResNet-50 v1.5, MobileNet v1, BERT-Large, …).
- ``packaging``: Chiplet Actuary recurring/NRE cost and yield of OS / FO / SI packages (a package: ``params``,
  ``errors``, ``die``, ``cost``, ``nre``, ``soc_vs_chiplet``).
- ``loadgen``: MLPerf-style scenarios (SingleStream, MultiStream, Server, Offline) in virtual time.
- ``runner``: a verification request (spec) → results; the glue the portal's Celery task calls
  (``hwsim.runner`` re-exports it).
- ``cli``: ``python -m hwsim`` sub-commands.
"""

SIMULATOR_VERSION = "0.2.0"  # 0.2.0: memory model checked against real SCALE-Sim (issue 12 A)
