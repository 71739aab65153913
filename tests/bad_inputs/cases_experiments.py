"""Bad experiment files, output folders and options of ``yingji experiment run|report|plan``.

Every experiment here is tiny (one replication of two points over a simulated
hour), so a case accepted by mistake fails fast instead of running for minutes.
"""

from __future__ import annotations

from pathlib import Path

from tests.bad_inputs.harness import Case, write

#: A valid, fast experiment; the cases break one thing in it.
TINY = """name = "tiny"
replications = 1
root_seed = 5
metrics = ["compliance_arrival"]

[base.network]
synthetic = "county"
[base.scenario]
name = "typical_week"
[base.run]
horizon_min = 60

[[factors]]
key = "policy.name"
levels = ["nearest_available", "severity_priority"]
"""


def exp_with(old: str, new: str, name: str = "exp.toml"):
    """A setup writing :data:`TINY` with ``old`` replaced by ``new``."""
    assert old in TINY, old

    def setup(tmp: Path) -> None:
        write(tmp, name, TINY.replace(old, new, 1))

    return setup


def exp_plus(extra: str, *, top: bool = True):
    """A setup writing :data:`TINY` with ``extra`` lines at the top (or the end)."""

    def setup(tmp: Path) -> None:
        write(tmp, "exp.toml", extra + TINY if top else TINY + extra)

    return setup


def lhs_huge(tmp: Path) -> None:
    extra = '[[factors]]\nkey = "run.travel_noise"\nlhs = [0.0, 0.3]\n'
    write(tmp, "exp.toml", f"lhs_samples = {10**9}\n" + TINY + extra)


def tiny(tmp: Path) -> None:
    write(tmp, "exp.toml", TINY)


def tiny_and_file(tmp: Path) -> None:
    tiny(tmp)
    write(tmp, "afile", "not a folder\n")


def tiny_and_user_folder(tmp: Path) -> None:
    tiny(tmp)
    write(tmp, "mine/notes.txt", "my own notes\n")


def finished(tmp: Path) -> None:
    """``out/``: a finished run of a fake experiment (fast), plus ``exp.toml``."""
    from experiments.batch import run_experiment
    from experiments.design import ExperimentSpec
    from tests.experiments.test_experiment_batch import experiment_dict, fake_replicate

    tiny(tmp)
    spec = ExperimentSpec.from_dict(
        experiment_dict(replications=2), source=str(tmp / "fake.toml"), base_dir=tmp
    )
    run_experiment(spec, tmp / "out", replicate=fake_replicate, progress=False)


def finished_damaged_manifest(tmp: Path) -> None:
    finished(tmp)
    path = tmp / "out" / "manifest.json"
    path.write_text(path.read_text().replace('"points": [', '"points": [7, ', 1))


CASES = [
    # ------------------------------------------------------------------ the file
    Case(
        "exp-run-malformed-toml",
        ("experiment", "run", "exp.toml", "--out", "out"),
        ("exp.toml", "not valid TOML"),
        exp_with("replications = 1", "replications = = 1"),
    ),
    Case(
        "exp-run-missing-file",
        ("experiment", "run", "nope.toml", "--out", "out"),
        ("nope.toml", "no such file"),
    ),
    Case(
        "exp-run-unknown-key",
        ("experiment", "run", "exp.toml", "--out", "out"),
        ("exp.toml", "replicas"),
        exp_plus("replicas = 3\n"),
    ),
    Case(
        "exp-run-unknown-factor-key",
        ("experiment", "run", "exp.toml", "--out", "out"),
        ("exp.toml", "factors[0].level"),
        exp_with("levels = [", "level = ["),
    ),
    Case(
        "exp-run-reserved-factor",
        ("experiment", "run", "exp.toml", "--out", "out"),
        ("exp.toml", "factors[0].key"),
        exp_with('key = "policy.name"', 'key = "run.seed"'),
    ),
    Case(
        "exp-run-unknown-metric",
        ("experiment", "run", "exp.toml", "--out", "out"),
        ("exp.toml", "metrics[0]", "arival"),
        exp_with('"compliance_arrival"', '"compliance_arival"'),
    ),
    Case(
        "exp-run-id-as-metric",
        ("experiment", "run", "exp.toml", "--out", "out"),
        ("exp.toml", "metrics[0]"),
        exp_with('"compliance_arrival"', '"replication"'),
    ),
    Case(
        "exp-run-metrics-empty",
        ("experiment", "run", "exp.toml", "--out", "out"),
        ("exp.toml", "metrics", "at least one metric"),
        exp_with('metrics = ["compliance_arrival"]', "metrics = []"),
    ),
    Case(
        "exp-run-unknown-key-wording",
        ("experiment", "run", "exp.toml", "--out", "out"),
        ("exp.toml", "nmae", "unknown key (expected one of base, baseline, "),
        exp_plus('nmae = "x"\n'),
    ),
    Case(
        "exp-run-unknown-factor-key-wording",
        ("experiment", "run", "exp.toml", "--out", "out"),
        ("exp.toml", "factors[0].lvls", "unknown key (expected one of integer, key, levels"),
        exp_with("levels = [", "lvls = ["),
    ),
    Case(
        "exp-run-lhs-bound-text",
        ("experiment", "run", "exp.toml", "--out", "out"),
        ("exp.toml", "factors[1].lhs", "expected a finite number, got '0.3'"),
        lambda tmp: write(
            tmp,
            "exp.toml",
            "lhs_samples = 2\n"
            + TINY
            + '[[factors]]\nkey = "run.travel_noise"\nlhs = [0.0, "0.3"]\n',
        ),
    ),
    Case(
        "exp-run-replications-zero",
        ("experiment", "run", "exp.toml", "--out", "out"),
        ("exp.toml", "replications"),
        exp_with("replications = 1", "replications = 0"),
    ),
    Case(
        "exp-run-replications-huge",
        ("experiment", "run", "exp.toml", "--out", "out"),
        ("exp.toml", "replications", "must be <= 10000"),
        exp_with("replications = 1", f"replications = {10**12}"),
    ),
    Case(
        "exp-run-replications-text",
        ("experiment", "run", "exp.toml", "--out", "out"),
        ("exp.toml", "replications"),
        exp_with("replications = 1", 'replications = "3"'),
    ),
    Case(
        "exp-run-seed-negative",
        ("experiment", "run", "exp.toml", "--out", "out"),
        ("exp.toml", "root_seed"),
        exp_with("root_seed = 5", "root_seed = -5"),
    ),
    Case(
        "exp-run-seed-huge",
        ("experiment", "run", "exp.toml", "--out", "out"),
        ("exp.toml", "root_seed"),
        exp_with("root_seed = 5", "root_seed = 9223372036854775808"),
    ),
    Case(
        "exp-run-unknown-policy-level",
        ("experiment", "run", "exp.toml", "--out", "out"),
        ("exp.toml", "factors[0]", "fastest"),
        exp_with('"severity_priority"]', '"fastest"]'),
    ),
    Case(
        "exp-run-empty-levels",
        ("experiment", "run", "exp.toml", "--out", "out"),
        ("exp.toml", "factors[0].levels"),
        exp_with('levels = ["nearest_available", "severity_priority"]', "levels = []"),
    ),
    Case(
        "exp-run-repeated-levels",
        ("experiment", "run", "exp.toml", "--out", "out"),
        ("exp.toml", "factors[0].levels"),
        exp_with('"severity_priority"]', '"nearest_available"]'),
    ),
    Case(
        "exp-run-range-huge",
        ("experiment", "run", "exp.toml", "--out", "out"),
        ("exp.toml", "factors[1].range"),
        exp_plus(f'[[factors]]\nkey = "run.travel_noise"\nrange = [0, {10**12}]\n', top=False),
    ),
    Case(
        "exp-run-float-range-tiny-step",
        ("experiment", "run", "exp.toml", "--out", "out"),
        ("exp.toml", "factors[1].range"),
        exp_plus(
            '[[factors]]\nkey = "run.travel_noise"\nrange = [0.0, 1e300, 1e-300]\n', top=False
        ),
    ),
    Case(
        "exp-run-too-many-points",
        ("experiment", "run", "exp.toml", "--out", "out"),
        ("exp.toml", "factors", "design points"),
        exp_plus(
            "".join(
                f'[[factors]]\nkey = "policy.x{i}"\nlevels = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]\n'
                for i in range(8)
            ),
            top=False,
        ),
    ),
    Case(
        "exp-run-lhs-samples-huge",
        ("experiment", "run", "exp.toml", "--out", "out"),
        ("exp.toml", "lhs_samples"),
        lhs_huge,
    ),
    Case(
        "exp-run-baseline-no-point",
        ("experiment", "run", "exp.toml", "--out", "out"),
        ("exp.toml", "baseline"),
        exp_plus('baseline = "p009"\n'),
    ),
    Case(
        "exp-run-base-config-missing",
        ("experiment", "run", "exp.toml", "--out", "out"),
        ("exp.toml", "base.config", "nope.toml"),
        exp_with("[base.network]", '[base]\nconfig = "nope.toml"\n[base.network]'),
    ),
    Case(
        "exp-run-base-bad-key",
        ("experiment", "run", "exp.toml", "--out", "out"),
        ("exp.toml", "base.run.horizon"),
        exp_with("horizon_min = 60", "horizon = 60"),
    ),
    # ------------------------------------------------------------------ the folder
    Case(
        "exp-run-out-is-file",
        ("experiment", "run", "exp.toml", "--out", "afile"),
        ("afile", "--out"),
        tiny_and_file,
    ),
    Case(
        "exp-run-out-under-file",
        ("experiment", "run", "exp.toml", "--out", "afile/sub"),
        ("afile", "--out"),
        tiny_and_file,
    ),
    Case(
        "exp-run-out-user-folder",
        ("experiment", "run", "exp.toml", "--out", "mine"),
        ("mine", "--out", "not an experiment folder"),
        tiny_and_user_folder,
    ),
    Case(
        "exp-run-out-other-experiment",
        ("experiment", "run", "exp.toml", "--out", "out"),
        ("out", "--out", "different experiment"),
        finished,
    ),
    # ------------------------------------------------------------------ options
    Case(
        "exp-run-workers-zero",
        ("experiment", "run", "exp.toml", "--out", "out", "--workers", "0"),
        ("--workers",),
        tiny,
    ),
    Case(
        "exp-run-workers-huge",
        ("experiment", "run", "exp.toml", "--out", "out", "--workers", str(10**6)),
        ("--workers",),
        tiny,
    ),
    Case(
        "exp-run-dask-local-huge",
        ("experiment", "run", "exp.toml", "--out", "out", "--dask", f"local:{10**6}"),
        ("--dask",),
        tiny,
    ),
    Case(
        "exp-run-dask-no-scheme",
        ("experiment", "run", "exp.toml", "--out", "out", "--dask", "myhost:8786"),
        ("--dask",),
        tiny,
    ),
    Case(
        "exp-run-dask-unreachable",
        ("experiment", "run", "exp.toml", "--out", "out", "--dask", "tcp://127.0.0.1:9"),
        ("--dask", "cannot reach the Dask scheduler at tcp://127.0.0.1:9"),
        tiny,
    ),
    Case(
        "exp-run-dask-no-port",
        ("experiment", "run", "exp.toml", "--out", "out", "--dask", "tcp://"),
        ("--dask", "cannot reach the Dask scheduler"),
        tiny,
    ),
    Case(
        "exp-run-workers-text",
        ("experiment", "run", "exp.toml", "--out", "out", "--workers", "two"),
        ("--workers", "expected an integer, got 'two'"),
        tiny,
    ),
    Case(
        "exp-run-format-bad",
        ("experiment", "run", "exp.toml", "--out", "out", "--format", "xlsx"),
        ("--format",),
        tiny,
    ),
    # ------------------------------------------------------------------ report and plan
    Case(
        "exp-report-missing-folder",
        ("experiment", "report", "nope"),
        ("nope", "no such folder"),
    ),
    Case(
        "exp-report-not-experiment-folder",
        ("experiment", "report", "mine"),
        ("mine", "manifest.json"),
        tiny_and_user_folder,
    ),
    Case(
        "exp-report-a-file",
        ("experiment", "report", "afile"),
        ("afile", "manifest.json"),
        tiny_and_file,
    ),
    Case(
        "exp-report-damaged-manifest",
        ("experiment", "report", "out"),
        ("manifest.json", "damaged manifest"),
        finished_damaged_manifest,
    ),
    Case(
        "exp-report-unknown-metric",
        ("experiment", "report", "out", "--metrics", "share_arrival,nope"),
        ("out", "--metrics", "nope"),
        finished,
    ),
    Case(
        "exp-report-metrics-empty",
        ("experiment", "report", "out", "--metrics", ""),
        ("out", "--metrics", "names no metric"),
        finished,
    ),
    Case(
        "exp-report-metrics-only-commas",
        ("experiment", "report", "out", "--metrics", " , "),
        ("out", "--metrics", "names no metric"),
        finished,
    ),
    Case(
        "exp-report-unknown-baseline",
        ("experiment", "report", "out", "--baseline", "p042"),
        ("out", "--baseline", "p042"),
        finished,
    ),
    Case(
        "exp-report-baseline-no-match",
        ("experiment", "report", "out", "--baseline", "policy.name=fastest"),
        ("out", "--baseline"),
        finished,
    ),
    Case(
        "exp-report-baseline-malformed",
        ("experiment", "report", "out", "--baseline", "=x"),
        ("--baseline",),
        finished,
    ),
    Case(
        "exp-report-level-one",
        ("experiment", "report", "out", "--level", "1"),
        ("--level",),
        finished,
    ),
    Case(
        "exp-report-level-nan",
        ("experiment", "report", "out", "--level", "nan"),
        ("--level",),
        finished,
    ),
    Case(
        "exp-plan-malformed",
        ("experiment", "plan", "exp.toml"),
        ("exp.toml", "not valid TOML"),
        exp_with("[[factors]]", "[[factors]"),
    ),
    Case(
        "exp-plan-unknown-metric",
        ("experiment", "plan", "exp.toml"),
        ("exp.toml", "metrics[0]"),
        exp_with('"compliance_arrival"', '"arrival_p90"'),
    ),
    Case(
        "exp-plan-replications-huge",
        ("experiment", "plan", "exp.toml"),
        ("exp.toml", "replications"),
        exp_with("replications = 1", f"replications = {10**12}"),
    ),
    Case(
        "exp-plan-a-folder",
        ("experiment", "plan", "."),
        (".", "is a folder"),
    ),
]
