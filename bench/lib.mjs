/**
 * Shared helpers for the benchmarks in bench/: timing, medians, ratios, tables,
 * hyperfine, and the offline environment the benchmarks run cargo and pip in.
 *
 * Benchmarks are plain Node scripts (`node bench/<name>.mjs`), not tests: they
 * print numbers and never pass or fail on a timing. The machine is shared and
 * noisy, so compare A and B in one run and quote medians and ratios.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { join, resolve } from "node:path";
import { DEBIAN_REGISTRY, findCPython, hermeticEnv, writeOfflineCargoHome } from "../test/helpers/hermetic.mjs";

export const ROOT = resolve(import.meta.dirname, "..");
export const BENCH_WORK = join(ROOT, "bench/.work");
export const CLI = join(ROOT, "bin/pyts-build.js");

// ---------------------------------------------------------------- statistics

/** Median of a non-empty list of numbers. */
export function median(xs) {
  if (xs.length === 0) throw new Error("median of no values");
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** min, median, max and the count, for a line of a table. */
export function summarize(xs) {
  return { n: xs.length, min: Math.min(...xs), median: median(xs), max: Math.max(...xs) };
}

// ---------------------------------------------------------------- formatting

/** Seconds to a short human string: 0.0123 -> "12.3 ms", 4.5 -> "4.50 s". */
export function fmtSeconds(s) {
  if (s < 1e-3) return `${(s * 1e6).toFixed(0)} µs`;
  if (s < 1) return `${(s * 1e3).toFixed(1)} ms`;
  return `${s.toFixed(2)} s`;
}

/** "how many times faster is `fast` than `slow`": ratio(2, 1) -> "2.00x". */
export function ratio(slow, fast) {
  return `${(slow / fast).toFixed(2)}x`;
}

/** Print rows as an aligned text table; the first column left-aligned, the rest right. */
export function printTable(headers, rows) {
  const all = [headers, ...rows].map((r) => r.map(String));
  const widths = headers.map((_, i) => Math.max(...all.map((r) => (r[i] ?? "").length)));
  const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  console.log(line(all[0]));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of all.slice(1)) console.log(line(r));
}

/** A heading naming the benchmark and the machine it ran on. */
export function header(title) {
  console.log(`# ${title}`);
  // The load average says whether other work shared the cores during the run.
  const load = loadavg().map((x) => x.toFixed(2)).join(" ");
  console.log(`# ${new Date().toISOString()}, node ${process.version}, ${availableParallelism()} cores, load average ${load}\n`);
}

// ---------------------------------------------------------------- timing

/** Wall time of `fn()` (sync or async) in seconds, `runs` times after `warmup` untimed runs. */
export async function timeRuns(fn, { runs = 5, warmup = 0 } = {}) {
  for (let i = 0; i < warmup; i++) await fn();
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return times;
}

/**
 * Run a command to completion and return its wall time in seconds and output.
 * Throws (with both streams) when it exits non-zero, so a broken step never
 * passes for a fast one.
 */
export function runTimed(cmd, args, { cwd, env } = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd, env: env ?? benchEnv(), encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(" ")} exited ${r.status ?? r.signal}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
  }
  return { seconds, stdout: r.stdout, stderr: r.stderr };
}

/** Run the pyts-build CLI (compiled dist/) timed; see runTimed. */
export function runCliTimed(args, opts = {}) {
  return runTimed(process.execPath, [CLI, ...args], opts);
}

/**
 * Time shell commands with hyperfine (Debian package `hyperfine`) and return
 * its per-command results: { command, median, mean, min, max, times } in seconds.
 */
export function hyperfine(commands, { runs = 10, warmup = 1, prepare, env, cwd, shell = true } = {}) {
  const dir = mkdtempWork("hyperfine");
  const out = join(dir, "result.json");
  const args = ["--style", "none", "--runs", String(runs), "--warmup", String(warmup), "--export-json", out];
  if (!shell) args.push("--shell=none"); // commands run directly, no shell start-up in the numbers
  if (prepare) args.push("--prepare", prepare);
  try {
    execFileSync("hyperfine", [...args, ...commands], { env: env ?? benchEnv(), cwd, stdio: ["ignore", "ignore", "inherit"] });
    const data = JSON.parse(readFileSync(out, "utf8"));
    return data.results.map((r) => ({ command: r.command, median: r.median, mean: r.mean, min: r.min, max: r.max, times: r.times }));
  } finally {
    removeWork(dir);
  }
}

// ---------------------------------------------------------------- environment

/** A fresh folder under bench/.work (kept for inspection; bench/.work is git-ignored). */
export function mkdtempWork(name) {
  const d = join(BENCH_WORK, `${name}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  mkdirSync(d, { recursive: true });
  return d;
}

/** Remove a folder made by mkdtempWork. */
export function removeWork(dir) {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * A CARGO_HOME whose config replaces crates.io by Debian's crate directory, when
 * that directory exists (an offline machine with librust-*-dev installed);
 * otherwise undefined and cargo uses its usual configuration.
 */
export function offlineCargoHome() {
  return existsSync(DEBIAN_REGISTRY) ? writeOfflineCargoHome(join(BENCH_WORK, "cargo-home")) : undefined;
}

/** The environment benchmarks run cargo, pip and the CLI in: the tests' hermetic one (test/helpers/hermetic.mjs). */
export function benchEnv(extra = {}) {
  return hermeticEnv(offlineCargoHome(), extra);
}

/** Real path of CPython `major.minor` (the newest pyenv release, then /usr/bin), or undefined. */
export const findPython = findCPython;

/**
 * A plain wheel at `path` (named `{dist}-{version}-{tag}.whl`) made by Python's zipfile, an
 * independent writer: `files` maps each wheel path to a file on disk; METADATA, WHEEL and
 * RECORD are added.
 */
export function makePlainWheel(path, { name, dist, version, tag }, files) {
  const script = `import json, sys, zipfile, hashlib, base64
name, dist, version, tag = sys.argv[2:6]
files = {n: open(f, "rb").read() for n, f in json.loads(sys.argv[6]).items()}
info = f"{dist}-{version}.dist-info"
files[f"{info}/METADATA"] = f"Metadata-Version: 2.1\\nName: {name}\\nVersion: {version}\\n".encode()
files[f"{info}/WHEEL"] = f"Wheel-Version: 1.0\\nGenerator: bench\\nRoot-Is-Purelib: false\\nTag: {tag}\\n".encode()
rec = [f"{n},sha256={base64.urlsafe_b64encode(hashlib.sha256(d).digest()).rstrip(b'=').decode()},{len(d)}" for n, d in files.items()] + [f"{info}/RECORD,,"]
files[f"{info}/RECORD"] = ("\\n".join(rec) + "\\n").encode()
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    [z.writestr(n, d) for n, d in files.items()]`;
  execFileSync("/usr/bin/python3", ["-c", script, path, name, dist, version, tag, JSON.stringify(files)]);
  return path;
}

/** A venv (with pip) for `python` in a fresh work folder; returns its python. */
export function makeVenv(python, dir = mkdtempWork("venv")) {
  execFileSync(python, ["-m", "venv", dir], { env: benchEnv(), stdio: "pipe" });
  return join(dir, "bin", "python");
}

