"""Kernels run as plain Python until a process has enough work for them, then compiled."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sim import compiled
from sim.compiled import Kernel

REPO = Path(__file__).resolve().parents[2]


def _twice(x):
    return 2.0 * x


def _scaled(a, k):
    out = np.empty_like(a)
    for i in range(a.size):
        out[i] = _twice(a[i]) * k
    return out


def test_a_kernel_runs_plain_until_its_items_are_due_then_compiled():
    if compiled._njit() is None:  # pragma: no cover - numba is a dependency
        pytest.skip("numba is not installed")
    kernel = Kernel(_scaled, (_twice,), after=10)
    assert kernel.pick(4) is _scaled
    assert kernel.pick(5) is _scaled
    fast = kernel.pick(1)  # the tenth item: compiled from here on
    assert fast is not _scaled and fast.py_func.__code__ is _scaled.__code__
    assert kernel.pick(1_000) is fast and kernel.done == 10
    a = np.arange(6.0)
    np.testing.assert_array_equal(fast(a, 3.0), _scaled(a, 3.0))
    # The plain function still calls the plain helper; the compiled copy, a compiled one.
    assert _scaled.__globals__["_twice"] is _twice
    assert fast.py_func.__globals__["_twice"] is not _twice


def test_without_numba_a_kernel_stays_plain(monkeypatch):
    monkeypatch.setattr(compiled, "_njit", lambda: None)
    kernel = Kernel(_scaled, (_twice,), after=1)
    assert kernel.pick(5) is _scaled and kernel.compiled() is _scaled


def test_a_run_gives_the_same_reports_and_duty_tables_compiled_as_plain(monkeypatch):
    # The switch comes mid-run in a long one: both paths must agree on what a real run
    # feeds them (the property tests feed hand-made arrays), to the last bit.
    import sim
    from benchmarks.bench_sim import county_stream
    from networks import synthetic_county
    from sim import desk_queue
    from sim.duty import DutyDesks
    from sim.reporting_rules import PRESETS

    county = synthetic_county()
    stations, depots = sim.default_facilities(county)
    stream = county_stream(county, 400, rate=0.12, rng=np.random.default_rng(3))
    tables = []
    for fast in (False, True):
        for kernel in (desk_queue.SWEEP, desk_queue.ANSWER):
            monkeypatch.setattr(kernel, "_fast", kernel.compiled() if fast else None)
            monkeypatch.setattr(kernel, "after", 10**12)  # plain: never compiled
        rec = sim.run(county, stations, depots, stream, rng=np.random.default_rng(4),
                      duty=DutyDesks(), reporting=PRESETS["henan"])  # fmt: skip
        tables.append((rec.reports, rec.duty, rec.scene))
    for plain, compiled_ in zip(*tables, strict=True):
        assert plain.keys() == compiled_.keys()
        for key in plain:
            np.testing.assert_array_equal(plain[key], compiled_[key], err_msg=key)
    assert np.isfinite(tables[0][0]["wait"]).sum() > 1000 and np.any(tables[0][0]["wait"] > 0)


_WEEK = """
import sys
import numpy as np
import sim
from benchmarks.bench_sim import county_stream
from networks import synthetic_county
from sim.duty import DutyDesks
from sim.reporting_rules import PRESETS
county = synthetic_county()
stations, depots = sim.default_facilities(county)
stream = county_stream(county, 300, rate=0.03, rng=np.random.default_rng(5))
rec = sim.run(county, stations, depots, stream, rng=np.random.default_rng(6),
              duty=DutyDesks(), reporting=PRESETS["national"])
print(len(rec.reports["kind"]), int(np.isfinite(rec.reports["sent"]).sum()),
      "numba" in sys.modules)
"""


def test_a_week_of_reports_in_a_fresh_process_loads_no_compiled_code():
    # A week's few hundred reports take a millisecond in Python; numba's import and disk
    # cache would cost the process 0.7 s (and its first compile after installing, 6-15 s).
    out = subprocess.run([sys.executable, "-c", _WEEK], cwd=REPO, capture_output=True,
                         text=True, check=True)  # fmt: skip
    reports, sent, numba_loaded = out.stdout.split()
    assert int(reports) > 300 and int(sent) > 300
    assert numba_loaded == "False"
