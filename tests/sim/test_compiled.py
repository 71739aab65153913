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
