#!/usr/bin/env python3
"""saywhen's benchmark: wall overhead and peak memory against what a user
would use instead, printed as Markdown tables (docs/PERFORMANCE.md holds
the figures measured on the project's machine).

Needs public tools only: hyperfine and /usr/bin/time (Debian/Ubuntu:
`apt-get install hyperfine time`), python3, and a release build of saywhen
(built with `cargo build --release` unless --saywhen names a binary).

    python3 bench/bench.py                      # everything (~15 min)
    python3 bench/bench.py --sizes 1,1000       # a quick look
    python3 bench/bench.py --asyncio-max 100000 # skip asyncio at 1,000,000

What is measured, for N pairs of 1 s (all equal, and spread over 1..2 s:
pair i waits 1 + i/N s):
- the wall of the whole process (hyperfine, median of --runs runs, stdout
  to /dev/null) minus the ideal wall (the longest delay): the overhead;
- its peak resident memory (`/usr/bin/time -v`, "Maximum resident set
  size", median of the same runs: hyperfine runs the command under time);
for saywhen tasks and gather (pairs from --file), Python asyncio.gather
(bench/asyncio_gather.py) and, up to --shell-max pairs, a shell running
`{ sleep d; echo m; } &` per pair, then `wait`. Then: startup of
`saywhen --virtual-time gather 0:a` against `python3 -c pass`; 1,000,000
pairs on the virtual clock; serial with 1,000 x 1 ms (how the timer's
per-sleep overshoot adds up, and whether "late by" accounts for it);
`scenario`: 1,000,000 pairs as a flat `gather --file` against the same
pairs as the scenario `gather(...)` read by `run --file`;
`guards`: the peak memory of 1,000,000 virtual pairs with `--timeout` and
`--limit` against none; `limit`: `--limit` against none on both runtimes,
40,000 pairs of 0 s and 10,000 of 1 ms; `long`: the human view of 1 to 100
messages of 1 MB each against `--format json`;
`floor`: saywhen against the physical floor (bench/floor, a copy of
../shared/floor: a 40-line tokio program that reads the same file, sleeps
each pair in one join_all or a task each and prints each message, nothing
else), 1,000,000 pairs of 1 s, gather and tasks, and `run --file` of the
same pairs as one gather(...) against the flat mode: medians of --runs
interleaved runs (each round runs every command once, so a change in the
machine's load falls on all of them alike), wall overhead, CPU time (user +
system) and peak RSS from wait4, their ratios and the load average; with
valgrind installed, also the instructions each command executes at 100,000
pairs (callgrind: repeatable on a busy machine, unlike any time).
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main():
    args = parse_args()
    # The floor comparison times its runs itself (wait4, GNU time for the
    # peak RSS); the rest runs under hyperfine and GNU time.
    tools = ("hyperfine", "/usr/bin/time", "bash") if set(args.parts) - {"floor"} else ("/usr/bin/time",)
    for tool in tools:
        if not shutil.which(tool):
            sys.exit(f"bench: {tool} not found (apt-get install hyperfine time)")
    saywhen = args.saywhen or build_saywhen()
    work = Path(args.work or tempfile.mkdtemp(prefix="saywhen-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"<!-- saywhen: {saywhen}; work files: {work} -->", file=sys.stderr)
    bench = Bench(saywhen, work, args)
    sections = []
    if "scale" in args.parts:
        sections.append(bench.scale())
    if "startup" in args.parts:
        sections.append(bench.startup())
    if "virtual" in args.parts:
        sections.append(bench.virtual())
    if "serial" in args.parts:
        sections.append(bench.serial_drift())
    if "scenario" in args.parts:
        sections.append(bench.scenario())
    if "guards" in args.parts:
        sections.append(bench.guards())
    if "limit" in args.parts:
        sections.append(bench.limit())
    if "long" in args.parts:
        sections.append(bench.long_messages())
    if "floor" in args.parts:
        sections.append(bench.floor())
    print(machine_note(args))
    print("\n\n".join(sections))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--saywhen", help="the binary to measure (default: build it)")
    parser.add_argument("--sizes", default="1,1000,100000,1000000",
                        help="comma-separated pair counts (default: %(default)s)")
    parser.add_argument("--runs", type=int, default=3,
                        help="runs per configuration; medians are reported (default: %(default)s)")
    parser.add_argument("--asyncio-max", type=int, default=1_000_000,
                        help="largest N to run asyncio with (1,000,000 takes ~25 s and 1.7 GB a run)")
    parser.add_argument("--shell-max", type=int, default=1000,
                        help="largest N to run the shell with (default: %(default)s)")
    parser.add_argument("--floor", help="the floor binary to measure (default: build bench/floor)")
    parser.add_argument("--instructions", type=int, default=100_000,
                        help="pairs for the floor part's instruction counts, 0 for none "
                             "(default: %(default)s)")
    parser.add_argument("--parts", default="scale,startup,virtual,scenario,serial,guards,limit,long,floor",
                        help="which tables to make (default: %(default)s)")
    parser.add_argument("--work", help="where to keep inputs and raw results (default: a temp dir)")
    parser.add_argument("--programs", default="saywhen,asyncio,shell",
                        help="which programs the scale table runs (default: %(default)s)")
    args = parser.parse_args()
    args.sizes = [int(n) for n in args.sizes.split(",")]
    args.parts = args.parts.split(",")
    args.programs = args.programs.split(",")
    return args


def build_saywhen():
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    return str(ROOT / "target" / "release" / "saywhen")


def build_floor():
    """The floor, built with the release profile saywhen uses (LTO, one
    codegen unit, panic = abort), into saywhen's target directory."""
    target = ROOT / "target" / "floor"
    subprocess.run(["cargo", "build", "--release", "--quiet",
                    "--manifest-path", str(ROOT / "bench" / "floor" / "Cargo.toml"),
                    "--target-dir", str(target)], check=True)
    return str(target / "release" / "bare")


def run_once(command, scratch):
    """Wall (s), CPU time (user + system, s) and peak RSS (MB) of one run
    of `command`, stdout to /dev/null. Wall and CPU come from the kernel's
    accounting of the child (wait4); the peak RSS from GNU time around it,
    since a child forked from Python starts with Python's own 16 MB as its
    high-water mark."""
    rss = scratch / "rss"
    start = time.monotonic()
    child = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", str(rss), *command],
                             stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.monotonic() - start
    if status != 0:
        sys.exit(f"bench: {' '.join(command)} failed ({status})")
    return wall, usage.ru_utime + usage.ru_stime, int(rss.read_text().split()[-1]) / 1024


def instructions(command):
    """Instructions `command` executes, every thread counted (callgrind)."""
    counted = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=True).stderr
    found = re.search(r"Collected : (\d+)", counted)
    return int(found.group(1)) if found else None


def machine_note(args):
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"Machine: {os.cpu_count()} cores, {cpu}; load average at the end {load}. "
            f"Medians of {args.runs} runs (CPU time: their mean); stdout to /dev/null.\n")


class Bench:
    def __init__(self, saywhen, work, args):
        self.saywhen = saywhen
        self.work = work
        self.args = args

    # --- inputs -------------------------------------------------------------

    def pairs_file(self, n, spread, unit_ms=None):
        """N pairs: 1 s each, or 1 + i/N s (spread), or unit_ms ms each
        (0: every pair `0:x`, the issue's `seq N | sed 's/.*/0:x/'`)."""
        if unit_ms == 0:
            path = self.work / f"pairs-zero-{n}.txt"
            if not path.exists():
                path.write_text("0:x\n" * n)
            return path
        kind = f"ms{unit_ms}" if unit_ms else ("spread" if spread else "equal")
        path = self.work / f"pairs-{kind}-{n}.txt"
        if not path.exists():
            with path.open("w") as out:
                for i in range(n):
                    if unit_ms:
                        delay = f"{unit_ms / 1000:.6f}"
                    elif spread:
                        delay = f"{1 + i / n:.6f}"
                    else:
                        delay = "1"
                    out.write(f"{delay}:m{i}\n")
        return path

    def shell_script(self, n, spread):
        path = self.work / f"shell-{'spread' if spread else 'equal'}-{n}.sh"
        if not path.exists():
            with path.open("w") as out:
                for i in range(n):
                    delay = f"{1 + i / n:.6f}" if spread else "1"
                    out.write(f"{{ sleep {delay}; echo m{i}; }} &\n")
                out.write("wait\n")
        return path

    # --- measuring ----------------------------------------------------------

    def measure(self, name, command):
        """Median wall (s), median peak RSS (MB) and mean CPU time (user +
        system, s) of `command`, R runs. CPU time hardly depends on what
        else the machine is doing; wall time does."""
        rss_log = self.work / f"{name}.time"
        rss_log.unlink(missing_ok=True)
        result = self.work / f"{name}.json"
        timed = ["/usr/bin/time", "-v", "-a", "-o", str(rss_log)] + command
        subprocess.run(
            ["hyperfine", "--shell=none", "--style=basic", "--runs", str(self.args.runs),
             "--export-json", str(result), quote(timed)],
            check=True, stdout=subprocess.DEVNULL)
        measured = json.loads(result.read_text())["results"][0]
        rss_kb = [int(m) for m in re.findall(
            r"Maximum resident set size \(kbytes\): (\d+)", rss_log.read_text())]
        cpu = measured["user"] + measured["system"]
        return statistics.median(measured["times"]), statistics.median(rss_kb) / 1024, cpu

    # --- the tables ---------------------------------------------------------

    def scale(self):
        rows = []
        for spread in (False, True):
            for n in self.args.sizes:
                ideal = 1 + (n - 1) / n if spread else 1.0
                pairs = str(self.pairs_file(n, spread))
                label = f"{n:,} {'spread 1..2 s' if spread else 'equal 1 s'}"
                programs = [
                    ("saywhen tasks", [self.saywhen, "tasks", "--file", pairs]),
                    ("saywhen gather", [self.saywhen, "gather", "--file", pairs]),
                ]
                programs = [p for p in programs if p[0].split()[0] in self.args.programs]
                if n <= self.args.asyncio_max and "asyncio" in self.args.programs:
                    programs.append(("asyncio gather", [
                        sys.executable, str(ROOT / "bench" / "asyncio_gather.py"), pairs]))
                if n <= self.args.shell_max and "shell" in self.args.programs:
                    programs.append(("shell sleep & wait",
                                     ["bash", str(self.shell_script(n, spread))]))
                for program, command in programs:
                    name = f"{program.replace(' ', '-')}-{'spread' if spread else 'equal'}-{n}"
                    wall, rss, cpu = self.measure(name, command)
                    rows.append((label, program, ideal, wall, rss, cpu))
                    print(f"  {label:>26}  {program:<18} {wall - ideal:8.3f} s {rss:8.1f} MB"
                          f" {cpu:8.3f} s CPU  (load {os.getloadavg()[0]:.1f})", file=sys.stderr)
        lines = [
            "### Wall overhead and peak memory",
            "",
            "| pairs | program | ideal wall | measured wall | overhead | peak RSS | CPU time |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        for label, program, ideal, wall, rss, cpu in rows:
            lines.append(f"| {label} | {program} | {ideal:.3f} s | {wall:.3f} s "
                         f"| {wall - ideal:+.3f} s | {rss:.1f} MB | {cpu:.3f} s |")
        lines += ["", self.ratio_note(rows)]
        return "\n".join(lines)

    @staticmethod
    def ratio_note(rows):
        notes = []
        for (label, program, ideal, wall, *_) in rows:
            if program != "asyncio gather":
                continue
            for (label2, program2, ideal2, wall2, *_) in rows:
                if label2 == label and program2.startswith("saywhen"):
                    ours = max(wall2 - ideal2, 1e-3)
                    notes.append(f"{label}: asyncio's overhead is "
                                 f"{(wall - ideal) / ours:.0f}x that of {program2}")
        return "\n".join(f"- {note}" for note in notes)

    def startup(self):
        result = self.work / "startup.json"
        subprocess.run(
            ["hyperfine", "--shell=none", "--style=basic", "--warmup", "20", "--runs", "300",
             "--export-json", str(result),
             quote([self.saywhen, "--virtual-time", "gather", "0:a"]),
             quote([sys.executable, "-c", "pass"])],
            check=True, stdout=subprocess.DEVNULL)
        lines = ["### Startup", "", "| command | median | mean ± σ |", "| --- | ---: | ---: |"]
        for r in json.loads(result.read_text())["results"]:
            command = r["command"].replace(self.saywhen, "saywhen").replace(sys.executable, "python3")
            lines.append(f"| `{command}` | {r['median'] * 1000:.2f} ms "
                         f"| {r['mean'] * 1000:.2f} ± {r['stddev'] * 1000:.2f} ms |")
        return "\n".join(lines)

    def virtual(self):
        n = max(self.args.sizes)
        lines = [f"### {n:,} pairs on the virtual clock (`--virtual-time`)", "",
                 "| mode | pairs | wall | peak RSS | CPU time |", "| --- | --- | ---: | ---: | ---: |"]
        for spread in (False, True):
            pairs = str(self.pairs_file(n, spread))
            for mode in ("tasks", "gather", "joinset"):
                name = f"virtual-{mode}-{'spread' if spread else 'equal'}-{n}"
                wall, rss, cpu = self.measure(
                    name, [self.saywhen, "--virtual-time", mode, "--file", pairs])
                lines.append(f"| {mode} | {n:,} {'spread' if spread else 'equal'} "
                             f"| {wall:.3f} s | {rss:.1f} MB | {cpu:.3f} s |")
        return "\n".join(lines)

    def scenario(self):
        """The same N pairs as a flat `gather --file` and as the scenario
        `gather(1:m0, ..., 1:m{N-1})` read by `run --file`: one engine, so
        the scenario should cost at most 1.2x the flat mode's wall and
        memory (it also works out the arithmetic of every node)."""
        n = max(self.args.sizes)
        pairs = self.pairs_file(n, False)
        tree = self.scenario_file(n)
        lines = [f"### {n:,} pairs of 1 s: flat mode against the same scenario", "",
                 "| clock | command | wall | overhead | peak RSS | CPU time |",
                 "| --- | --- | ---: | ---: | ---: | ---: |"]
        for clock in ("real", "virtual"):
            flags = ["--virtual-time"] if clock == "virtual" else []
            for label, command in (
                ("saywhen gather --file", [self.saywhen, *flags, "gather", "--file", str(pairs)]),
                ("saywhen run --file", [self.saywhen, *flags, "run", "--file", str(tree)]),
            ):
                name = f"scenario-{clock}-{label.split()[1]}-{n}"
                wall, rss, cpu = self.measure(name, command)
                overhead = f"{wall - 1.0:+.3f} s" if clock == "real" else "-"
                lines.append(f"| {clock} | `{label}` | {wall:.3f} s | {overhead} | {rss:.1f} MB"
                             f" | {cpu:.3f} s |")
                print(f"  {clock:>8} {label:<24} {wall:8.3f} s {rss:8.1f} MB {cpu:8.3f} s CPU",
                      file=sys.stderr)
        return "\n".join(lines)

    def serial_drift(self):
        n, unit_ms = 1000, 1
        pairs = str(self.pairs_file(n, False, unit_ms=unit_ms))
        wall, _, _ = self.measure("serial-1ms", [self.saywhen, "serial", "--file", pairs])
        reports = []
        for _ in range(self.args.runs):
            out = subprocess.run([self.saywhen, "serial", "--file", pairs, "--format", "json"],
                                 check=True, capture_output=True, text=True).stdout
            reports.append(json.loads(out))
        reports.sort(key=lambda r: r["wall_s"])
        report = reports[len(reports) // 2]
        late = [p["late_s"] for p in report["pairs"]]
        gaps = sum(b["start_s"] - a["finish_s"]
                   for a, b in zip(report["pairs"], report["pairs"][1:]))
        first = report["pairs"][0]["start_s"]
        absolute, _, _ = self.measure(
            "serial-1ms-absolute",
            [self.saywhen, "serial", "--deadlines", "absolute", "--file", pairs])
        return "\n".join([
            f"### serial, {n:,} x {unit_ms} ms: the timer's overshoot adds up", "",
            "| what | value |", "| --- | ---: |",
            f"| ideal (sum of the delays) | {report['expected_s']:.3f} s |",
            f"| process wall (hyperfine, median) | {wall:.3f} s |",
            f"| run wall reported by saywhen (median run) | {report['wall_s']:.3f} s |",
            f"| overhead reported | {report['overhead_s']:+.3f} s |",
            f"| sum of the pairs' \"late by\" | {sum(late):+.3f} s |",
            f"| \"late by\" per sleep: median / max | {statistics.median(late) * 1000:.3f} ms "
            f"/ {max(late) * 1000:.3f} ms |",
            f"| not in any \"late by\" (start of the first pair + gaps between pairs) "
            f"| {first + gaps:+.6f} s |",
            f"| process wall with `--deadlines absolute` (sleep_until start + sum so far) "
            f"| {absolute:.3f} s |",
        ])


    def guards_rows(self):
        n = max(self.args.sizes)
        pairs = str(self.pairs_file(n, False))
        rows = []
        for mode in ("gather", "tasks"):
            plain = None
            for options in ([], ["--timeout", "1h"], ["--limit", "10"]):
                name = f"guards-{mode}-{'-'.join(options) or 'plain'}-{n}"
                command = [self.saywhen, "--virtual-time", mode, "-q", "--file", pairs] + options
                wall, rss, _ = self.measure(name, command)
                plain = plain or rss
                rows.append((mode, " ".join(options) or "(none)", wall, rss, rss / plain))
        return n, rows

    def guards(self):
        n, rows = self.guards_rows()
        lines = [f"### {n:,} virtual pairs with `--timeout` and `--limit`: peak memory", "",
                 "| mode | options | wall | peak RSS | against none |",
                 "| --- | --- | ---: | ---: | ---: |"]
        for mode, options, wall, rss, ratio in rows:
            lines.append(f"| {mode} | `{options}` | {wall:.3f} s | {rss:.1f} MB | {ratio:.2f}x |")
        return "\n".join(lines)

    def limit(self):
        """`--limit` against none: it must cost a constant per pair on
        both runtimes (it was quadratic on worker threads). These runs are
        short, so they get at least 10 runs each."""
        cases = [
            ("40,000 x 0 s", self.pairs_file(40_000, False, unit_ms=0), "40000", 0.0),
            ("10,000 x 1 ms", self.pairs_file(10_000, False, unit_ms=1), "10", 1.0),
        ]
        runtimes = [("current-thread", []), ("multi-thread, 2 workers", ["--workers", "2"])]
        lines = ["### `--limit` on both runtimes (`joinset -q`, wall of the process)", "",
                 "| pairs | runtime | without --limit | with --limit | ratio | ideal with --limit |",
                 "| --- | --- | ---: | ---: | ---: | ---: |"]
        runs = self.args.runs
        self.args.runs = max(runs, 10)
        for label, pairs, limit, ideal in cases:
            for runtime, options in runtimes:
                walls = []
                for extra in ([], ["--limit", limit]):
                    name = f"limit-{label.split()[0]}-{runtime.split(',')[0]}-{'-'.join(extra) or 'none'}"
                    command = [self.saywhen, "joinset", "-q", "--file", str(pairs)] + options + extra
                    walls.append(self.measure(name, command)[0])
                lines.append(f"| {label} | {runtime} | {walls[0]:.3f} s "
                             f"| {walls[1]:.3f} s (`--limit {limit}`) | {walls[1] / walls[0]:.2f}x "
                             f"| {ideal:.3f} s |")
        self.args.runs = runs
        return "\n".join(lines)

    def long_messages(self):
        """The human view cuts each message to the width before it lays
        anything out, so it costs what the input's size does, as JSON does
        (it was quadratic in a message's length: 20 MB took 7.6 s)."""
        lines = ["### Long messages: the human view against JSON (`serial`, virtual clock)", "",
                 "| input | human view | `--format json` | peak RSS, human view |",
                 "| --- | ---: | ---: | ---: |"]
        for count in (1, 5, 20, 100):
            # A --file line holds at most 1 MiB: messages of 1,000,000 bytes.
            path = self.work / f"long-{count}.txt"
            if not path.exists():
                path.write_text(f"0:{'y' * 1_000_000}\n" * count)
            walls = []
            for format in ("table", "json"):
                command = [self.saywhen, "--virtual-time", "--format", format,
                           "serial", "--file", str(path)]
                walls.append(self.measure(f"long-{format}-{count}", command))
            lines.append(f"| {count} x 1 MB message | {walls[0][0] * 1000:.1f} ms "
                         f"| {walls[1][0] * 1000:.1f} ms | {walls[0][1]:.1f} MB |")
        return "\n".join(lines)

    def scenario_file(self, n):
        """The N pairs of pairs_file(n) as one scenario, `gather(...)`."""
        tree = self.work / f"scenario-gather-{n}.txt"
        if not tree.exists():
            with tree.open("w") as out:
                out.write("gather(\n")
                for i in range(n):
                    out.write(f"  1:m{i},\n")
                out.write(")\n")
        return tree

    def floor(self):
        """saywhen against the floor, side by side. The goal (issue 18):
        CPU time and wall overhead at most 1.2x the floor's for gather and
        tasks, peak RSS at most 1.05x, the scenario at most 1.05x the flat
        mode."""
        floor = self.args.floor or build_floor()
        n = max(self.args.sizes)
        pairs, tree = str(self.pairs_file(n, False)), str(self.scenario_file(n))
        commands = {
            "floor gather": [floor, "gather", pairs],
            "saywhen gather": [self.saywhen, "gather", "--file", pairs],
            "floor tasks": [floor, "tasks", pairs],
            "saywhen tasks": [self.saywhen, "tasks", "--file", pairs],
            "saywhen run": [self.saywhen, "run", "--file", tree],
        }
        load_before = os.getloadavg()
        runs = {name: [] for name in commands}
        for round in range(self.args.runs):
            for name, command in commands.items():
                runs[name].append(run_once(command, self.work))
            print(f"  floor: round {round + 1} of {self.args.runs} "
                  f"(load {os.getloadavg()[0]:.1f})", file=sys.stderr)
        load_after = os.getloadavg()
        # Medians of each measure on its own: wall, CPU, RSS.
        median = {name: [statistics.median(run[i] for run in measured) for i in range(3)]
                  for name, measured in runs.items()}
        counts = {}
        small = min(n, self.args.instructions)
        if small and shutil.which("valgrind"):
            few, few_tree = str(self.pairs_file(small, False)), str(self.scenario_file(small))
            for name, command in commands.items():
                command = [few if part == pairs else few_tree if part == tree else part
                           for part in command]
                counts[name] = instructions(command)

        def ratio(ours, theirs):
            return ours / theirs if theirs > 0 else float("inf")

        def loads(load):
            return " / ".join(f"{x:.2f}" for x in load)

        lines = [
            f"### {n:,} pairs of 1 s: saywhen against the floor", "",
            f"Medians of {self.args.runs} interleaved runs; human format, live lines on, "
            f"stdout to /dev/null. Load average (1 / 5 / 15 min) before {loads(load_before)}, "
            f"after {loads(load_after)}.", "",
            "| mode | measure | saywhen | floor | ratio | goal |",
            "| --- | --- | ---: | ---: | ---: | --- |",
        ]
        verdicts = []
        for mode in ("gather", "tasks"):
            ours, theirs = median[f"saywhen {mode}"], median[f"floor {mode}"]
            rows = [
                ("wall overhead", ours[0] - 1, theirs[0] - 1, "s", 1.2),
                ("CPU time", ours[1], theirs[1], "s", 1.2),
                ("peak RSS", ours[2], theirs[2], "MB", 1.05),
            ]
            if counts:
                rows.append((f"instructions ({small:,} pairs)", counts[f"saywhen {mode}"] / 1e6,
                             counts[f"floor {mode}"] / 1e6, "M", None))
            for measure, a, b, unit, goal in rows:
                r = ratio(a, b)
                digits = 1 if unit in ("MB", "M") else 3
                verdict = "" if goal is None else f"≤ {goal}x: {'met' if r <= goal else 'missed'}"
                if goal is not None:
                    verdicts.append(r <= goal)
                lines.append(f"| {mode} | {measure} | {a:.{digits}f} {unit} | {b:.{digits}f} {unit} "
                             f"| {r:.2f}x | {verdict} |")
        flat, scenario = median["saywhen gather"], median["saywhen run"]
        lines += ["", f"`saywhen run --file` of the same {n:,} pairs as one `gather(...)` "
                  "against the flat `saywhen gather --file`:", "",
                  "| measure | scenario | flat | ratio | goal |", "| --- | --- | ---: | ---: | --- |"]
        rows = [("wall overhead", scenario[0] - 1, flat[0] - 1, "s"), ("CPU time", scenario[1], flat[1], "s"),
                ("peak RSS", scenario[2], flat[2], "MB")]
        if counts:
            rows.append((f"instructions ({small:,} pairs)", counts["saywhen run"] / 1e6,
                         counts["saywhen gather"] / 1e6, "M"))
        for measure, a, b, unit in rows:
            r = ratio(a, b)
            digits = 1 if unit in ("MB", "M") else 3
            lines.append(f"| {measure} | {a:.{digits}f} {unit} | {b:.{digits}f} {unit} | {r:.2f}x "
                         f"| ≤ 1.05x: {'met' if r <= 1.05 else 'missed'} |")
        return "\n".join(lines)


def quote(command):
    """One command line for hyperfine --shell=none (which splits on spaces)."""
    for part in command:
        if " " in part:
            sys.exit(f"bench: paths with spaces are not supported: {part}")
    return " ".join(command)


if __name__ == "__main__":
    main()
