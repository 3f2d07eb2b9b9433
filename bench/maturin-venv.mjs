/**
 * maturin for side-by-side benchmarks: a venv under bench/.work with maturin
 * installed from pip's configured package mirror (the machine's own pip
 * configuration, not the hermetic one the tests use). Returns undefined (and
 * the reason) when the mirror has no maturin; callers then say so.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { BENCH_WORK } from "./lib.mjs";

/** `{ maturin, version }`, or `{ missing: reason }`. */
export function maturinFromMirror(python = "/usr/bin/python3") {
  const venv = join(BENCH_WORK, "maturin-venv");
  const maturin = join(venv, "bin", "maturin");
  if (!existsSync(maturin)) {
    const mk = spawnSync(python, ["-m", "venv", venv], { encoding: "utf8" });
    if (mk.status !== 0) return { missing: `cannot make a venv with ${python}: ${mk.stderr.trim()}` };
    const pip = spawnSync(join(venv, "bin", "pip"), ["install", "-q", "maturin"], { encoding: "utf8" });
    if (pip.status !== 0) return { missing: `pip's configured mirror has no maturin (${pip.stderr.trim().split("\n").pop()})` };
  }
  const v = spawnSync(maturin, ["--version"], { encoding: "utf8" });
  if (v.status !== 0) return { missing: `${maturin} --version failed` };
  return { maturin, version: v.stdout.trim() };
}
