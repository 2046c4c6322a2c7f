"""Compatibility path: the runner lives in :mod:`hwsim.engine.runner` (pure Python, no Django).

``from hwsim.runner import run_verification`` keeps working; new code imports :mod:`hwsim.engine.runner`.
"""

from hwsim.engine.runner import (  # noqa: F401
    HISTOGRAM_BINS,
    MAX_BATCH,
    MULTISTREAM_SAMPLES,
    PLATFORM_KEYS,
    QUICK_SETTINGS,
    TOP_KEYS,
    WORKLOAD_KEYS,
    ProgressFn,
    _NetworkDevice,
    run_verification,
    server_latencies_ns,
    validate_spec,
)
