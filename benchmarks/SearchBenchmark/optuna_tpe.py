#!/usr/bin/python3
"""Optuna 3.1's TPE sampler searching an AeGrid space, each trial trained by `aegrid train --json`.

The search benchmark (benchmarks/SearchBenchmark) runs this once per seed and reads the JSON file it writes. The space
and the fixed hyperparameters come as JSON in the sweep file's own vocabulary, so both sides search the same space:

  --space '{"lr": {"loguniform": [1e-4, 0.1]}, "batch_size": {"choice": [32, 64]}, "hidden_sizes": {"choice": [[256], [256, 128]]}}'
  --fixed '{"architecture": "denoise-mlp", "dataset": "fashion-mnist", "limit": 4000, "epochs": 9, "noise_factor": 0.6, "clip_noise": false}'

Output (--output FILE): {"optuna_version", "sampler", "trials": [{"number", "params", "hyperparameters", "outcome",
"exit_code", "value", "error", "epochs": [{"epoch", "test_mse", "finished_at"}]}]}, where finished_at (Unix seconds) is
the trial's end minus the wall seconds of the epochs after that one, so the benchmark can order epochs across trials.

Exit codes: 0 done, 2 bad arguments, 3 Optuna is missing (scripts/bench-setup.sh installs Debian's python3-optuna).
"""
import argparse
import json
import math
import os
import subprocess
import sys
import threading
import time

# sweep-file key -> `aegrid train` option (learning_rate: the key `aegrid train --json` used before it wrote lr)
OPTIONS = {
    "architecture": "--arch",
    "dataset": "--dataset",
    "limit": "--limit",
    "epochs": "--epochs",
    "seed": "--seed",
    "lr": "--lr",
    "learning_rate": "--lr",
    "batch_size": "--batch-size",
    "hidden_sizes": "--hidden-sizes",
    "encoding_dim": "--encoding-dim",
    "noise_factor": "--noise",
    "clip_noise": "--clip-noise",
    "optimizer": "--optimizer",
}


def option_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value)


def suggest(trial, key, distribution):
    """One hyperparameter from Optuna, for a sweep-file distribution ({loguniform: [lo, hi]}, {choice: [...]}, …)."""
    if not isinstance(distribution, dict) or len(distribution) != 1:
        raise ValueError(f"space.{key}: expected one distribution like {{\"choice\": [...]}}, got {distribution!r}")
    (kind, arguments), = distribution.items()
    if kind == "loguniform":
        return trial.suggest_float(key, arguments[0], arguments[1], log=True)
    if kind == "uniform":
        return trial.suggest_float(key, arguments[0], arguments[1])
    if kind == "int":
        return trial.suggest_int(key, arguments[0], arguments[1])
    if kind == "choice":
        # Optuna's categorical values must be None, bool, int, float or str: lists (hidden_sizes) travel as JSON text.
        if all(isinstance(c, (bool, int, float, str)) for c in arguments):
            return trial.suggest_categorical(key, arguments)
        return json.loads(trial.suggest_categorical(key, [json.dumps(c) for c in arguments]))
    raise ValueError(f"space.{key}: unknown distribution '{kind}'; expected loguniform, uniform, int or choice")


def trained_value(hyperparameters, key):
    """What `aegrid train --json` says it trained with, under the sweep file's names (builds before the catalog wrote
    learning_rate for lr)."""
    if key in hyperparameters:
        return hyperparameters[key]
    if key == "lr":
        return hyperparameters.get("learning_rate")
    return None


class Objective:
    def __init__(self, args, space, fixed):
        self.args, self.space, self.fixed = args, space, fixed
        self.records = []
        self.lock = threading.Lock()

    def command(self, values):
        command = ["dotnet", self.args.aegrid, "train", "--json", "--device", "cpu", "--threads", str(self.args.threads)]
        for key, value in values.items():
            if key not in OPTIONS:
                raise ValueError(f"'{key}' has no `aegrid train` option")
            command += [OPTIONS[key], option_value(value)]
        return command

    def __call__(self, trial):
        params = {key: suggest(trial, key, distribution) for key, distribution in self.space.items()}
        values = {**self.fixed, **params, "seed": self.args.seed}
        record = {"number": trial.number, "params": params, "epochs": [], "outcome": None, "exit_code": None,
                  "value": None, "error": None, "hyperparameters": None}
        try:
            run = subprocess.run(self.command(values), capture_output=True, text=True, timeout=self.args.trial_timeout,
                                 env={**os.environ, "NO_COLOR": "1", "TERM": "dumb"})
            ended = time.time()
            record["exit_code"] = run.returncode
            report = json.loads(run.stdout) if run.stdout.strip().startswith("{") else None
            if report is None:
                record["error"] = (run.stderr.strip().splitlines() or [f"exit code {run.returncode}"])[-1]
                return float("nan")
            record["outcome"] = report.get("outcome")
            record["hyperparameters"] = report.get("hyperparameters")
            for key, wanted in params.items():
                got = trained_value(report.get("hyperparameters") or {}, key)
                if got != wanted and not (isinstance(got, float) and abs(got - wanted) <= 1e-12 * abs(wanted)):
                    raise RuntimeError(f"trial {trial.number}: asked for {key}={wanted!r}, aegrid train reports {got!r}")
            per_epoch = report.get("per_epoch") or []
            later = 0.0
            for epoch in reversed(per_epoch):
                record["epochs"].append({"epoch": epoch["epoch"], "test_mse": json_number(epoch["test_mse"]),
                                         "finished_at": ended - later})
                later += epoch.get("wall_seconds") or 0.0
            record["epochs"].reverse()
            # The trial's value is its last epoch's test MSE, as AeGrid's leaderboard ranks a trial.
            value = report.get("test_mse")
            record["value"] = json_number(value)
            return float("nan") if value is None else float(value)
        except subprocess.TimeoutExpired:
            record["error"] = f"aegrid train ran past {self.args.trial_timeout} s"
            return float("nan")
        finally:
            with self.lock:
                self.records.append(record)
            epochs = len(record["epochs"])
            print(f"optuna-tpe seed {self.args.seed}: trial {trial.number} {params} -> "
                  f"{record['value'] if record['value'] is not None else record['error']} ({epochs} epochs)",
                  file=sys.stderr, flush=True)


def json_number(value):
    """Strict JSON for the benchmark's reader: a NaN or infinite MSE (a diverged epoch) travels as a string."""
    if isinstance(value, str):
        return value
    return value if value is None or math.isfinite(value) else str(value)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--aegrid", required=True, help="path of aegrid.dll (run with `dotnet`)")
    parser.add_argument("--space", required=True, help="JSON: hyperparameter -> distribution, as in a sweep file")
    parser.add_argument("--fixed", required=True, help="JSON: hyperparameters every trial shares")
    parser.add_argument("--trials", type=int, required=True)
    parser.add_argument("--seed", type=int, required=True, help="TPESampler's seed and every trial's training seed")
    parser.add_argument("--jobs", type=int, default=2, help="trials at once (Optuna's n_jobs)")
    parser.add_argument("--threads", type=int, default=1, help="torch threads per trial")
    parser.add_argument("--trial-timeout", type=float, default=900)
    parser.add_argument("--output", required=True)
    args = parser.parse_args()

    try:
        import optuna
    except ImportError:
        print(f"optuna-tpe: {sys.executable} cannot import optuna; run scripts/bench-setup.sh (Debian's python3-optuna)",
              file=sys.stderr)
        return 3
    try:
        space, fixed = json.loads(args.space), json.loads(args.fixed)
    except json.JSONDecodeError as e:
        print(f"optuna-tpe: --space/--fixed: not JSON: {e}", file=sys.stderr)
        return 2

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    # Optuna's defaults, named: 10 random start-up trials, 24 candidates per suggestion (as AeGrid's tpe).
    sampler = optuna.samplers.TPESampler(seed=args.seed, n_startup_trials=10, n_ei_candidates=24)
    study = optuna.create_study(direction="minimize", sampler=sampler)
    objective = Objective(args, space, fixed)
    try:
        study.optimize(objective, n_trials=args.trials, n_jobs=args.jobs)
    except ValueError as e:
        print(f"optuna-tpe: {e}", file=sys.stderr)
        return 2
    with open(args.output, "w") as output:
        json.dump({"optuna_version": optuna.__version__, "sampler": "TPESampler(seed, n_startup_trials=10, n_ei_candidates=24)",
                   "trials": sorted(objective.records, key=lambda r: r["number"])}, output, indent=1, allow_nan=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
