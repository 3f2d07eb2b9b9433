#!/usr/bin/env node
/**
 * The repair path (issue 10, target 5): a wheel whose extension needs a library
 * of ours (libbenchouter.so.1, found through LD_LIBRARY_PATH) that itself needs
 * the system's libzstd (no policy allows it), so a repair bundles two libraries.
 *
 * (1) Work counts, measured in process by watching the file system calls of the
 *     compiled code (so they need no hook in the code under test and work on any
 *     checkout): whole-wheel extractions (WheelReader.extractTo of the ELF
 *     entry), ELF headers read (opens of the extension and of the two libraries)
 *     and library look-ups (opens of candidate paths named libbenchouter/libz),
 *     for `repairWheel` and for `finalizeWheel` (the `wheel` command's step).
 *     `--baseline DIR` counts another checkout's dist/ too (e.g. /work/main),
 *     side by side.
 * (2) repairWheel timed in process, then `pyts-build repair` as a command
 *     (interleaved runs, medians; the baseline's too), next to auditwheel when pip's configured mirror provides it (installed into a
 *     venv under bench/.work; the bench says so when it does not).
 *
 *   node bench/repair.mjs [--runs 9] [--baseline /work/main]
 *
 * Needs a compiled dist/ (`npm run build`), gcc and patchelf.
 */
import { execFileSync, spawnSync } from "node:child_process";
import fs, { existsSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { syncBuiltinESMExports } from "node:module";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { BENCH_WORK, benchEnv, CLI, fmtSeconds, header, makePlainWheel, median, mkdtempWork, printTable, ratio, removeWork, ROOT } from "./lib.mjs";

const { values } = parseArgs({ options: { runs: { type: "string", default: "9" }, baseline: { type: "string" } } });
const runs = Number(values.runs);

header(`repair path: work counts and \`pyts-build repair\` time (${runs} interleaved runs, medians)`);
const work = mkdtempWork("repair");

// ---- the input wheel: ext.so -> libbenchouter.so.1 -> libzstd.so.1
const libDir = join(work, "libs");
fs.mkdirSync(libDir);
const cc = (out, src, args) => {
  writeFileSync(join(work, "src.c"), src);
  execFileSync("gcc", ["-shared", "-fPIC", "-O1", "-o", out, join(work, "src.c"), ...args], { stdio: "inherit" });
};
cc(join(libDir, "libbenchouter.so.1"), "unsigned ZSTD_versionNumber(void);\nunsigned long bench_crc(void) { return ZSTD_versionNumber(); }\n", ["-Wl,-soname,libbenchouter.so.1", "-l:libzstd.so.1"]);
symlinkSync("libbenchouter.so.1", join(libDir, "libbenchouter.so"));
const so = join(work, "benchext.so");
cc(so, "unsigned long bench_crc(void);\nvoid *PyInit_benchext(void) { return (void*)bench_crc(); }\n", [`-L${libDir}`, "-lbenchouter"]);
const wheel = join(work, "benchext-1.0-cp311-cp311-linux_x86_64.whl");
writeFileSync(join(work, "__init__.py"), "from .benchext import *\n");
makePlainWheel(wheel, { name: "benchext", dist: "benchext", version: "1.0", tag: "cp311-cp311-linux_x86_64" }, { "benchext/benchext.so": so, "benchext/__init__.py": join(work, "__init__.py") });
const env = { ...process.env, LD_LIBRARY_PATH: libDir, SOURCE_DATE_EPOCH: "1700000000" };

// ---- (1) work counts
/** Count extractions, ELF reads and library look-ups while `fn` runs. */
async function counting(fn, WheelReader) {
  const counts = { extractions: 0, elfReads: 0, libOpens: 0, lookups: 0 };
  const origOpen = fs.openSync;
  const origStat = fs.statSync;
  fs.statSync = function (p, ...rest) {
    // every candidate path a look-up tries is stat'ed first
    if (/libbenchouter[-.]|libzstd[-.]/.test(String(p)) && (String(p).startsWith(libDir) || /^\/(usr\/)?lib/.test(String(p)))) counts.lookups++;
    return origStat.call(this, p, ...rest);
  };
  const origExtract = WheelReader.prototype.extractTo;
  fs.openSync = function (p, ...rest) {
    const s = String(p);
    // ELF headers are read through an open file (look-ups open candidates too: those are counted as probes)
    if (/benchext\.so$|libbenchouter[-.]|libzstd[-.]/.test(s) && !(s.startsWith(libDir) || /^\/(usr\/)?lib/.test(s))) counts.elfReads++;
    else if (/benchext\.so$|libbenchouter[-.]|libzstd[-.]/.test(s)) counts.libOpens++;
    return origOpen.call(this, p, ...rest);
  };
  WheelReader.prototype.extractTo = function (name, ...rest) {
    if (name.endsWith("benchext.so")) counts.extractions++;
    return origExtract.call(this, name, ...rest);
  };
  syncBuiltinESMExports();
  try {
    await fn();
  } finally {
    fs.openSync = origOpen;
    fs.statSync = origStat;
    WheelReader.prototype.extractTo = origExtract;
    syncBuiltinESMExports();
  }
  return counts;
}

/** A compiled audit-layer module of a tree: src/manylinux/audit/ since the rooms, src/manylinux/ in older baselines. */
function auditModule(root, name) {
  const now = join(root, "dist/src/manylinux/audit", name);
  return existsSync(now) ? now : join(root, "dist/src/manylinux", name);
}

async function countsOf(root) {
  const { WheelReader } = await import(join(root, "dist/src/wheel/reader.js"));
  const { repairWheel } = await import(auditModule(root, "repair.js"));
  const { finalizeWheel } = await import(auditModule(root, "finalize.js"));
  const out = mkdtempWork("repair-count");
  try {
    const repair = await counting(() => repairWheel(wheel, { outDir: out, env, epoch: 1_700_000_000 }), WheelReader);
    const plain = join(out, "plain");
    fs.mkdirSync(plain);
    fs.copyFileSync(wheel, join(plain, "benchext-1.0-cp311-cp311-linux_x86_64.whl"));
    const fin = await counting(
      () => finalizeWheel(join(plain, "benchext-1.0-cp311-cp311-linux_x86_64.whl"), { linuxTag: "linux_x86_64", outDir: plain, env, epoch: 1_700_000_000 }),
      WheelReader,
    );
    const bytes = fs.readFileSync(join(out, readdirSync(out).find((f) => f.endsWith(".whl"))));
    return { repair, fin, bytes };
  } finally {
    removeWork(out);
  }
}

const trees = [["this checkout", ROOT]];
if (values.baseline) trees.push([`baseline ${values.baseline}`, resolve(values.baseline)]);
const counted = [];
for (const [label, root] of trees) counted.push([label, await countsOf(root)]);
console.log("Work done for one wheel (ext.so needing libbenchouter.so.1 needing libzstd.so.1; 2 libraries bundled):\n");
const rows = [];
for (const [label, c] of counted) {
  for (const [what, n] of [["repair", c.repair], ["wheel (finalize)", c.fin]]) rows.push([`${label}: ${what}`, n.extractions, n.elfReads, n.libOpens, n.lookups]);
}
printTable(["", "extractions of ext.so", "opens in the wheel tree", "opens of the outside libs", "look-up probes (stat)"], rows);
if (counted.length === 2) {
  const same = counted[0][1].bytes.equals(counted[1][1].bytes);
  console.log(`\nrepaired wheel bytes (SOURCE_DATE_EPOCH=1700000000) identical to the baseline's: ${same ? "yes" : "NO"}`);
}
const mine = counted[0][1];
const met = mine.repair.extractions === 1 && mine.fin.extractions === 1;
console.log(`target 5: the wheel extracted once (measured: repair ${mine.repair.extractions}, wheel ${mine.fin.extractions}: ${met ? "met" : "NOT met"}); each library looked up once (test/manylinux/audit/repair.test.ts counts that through the trace hook)\n`);

// ---- (2a) repairWheel in process (no Node start-up in the numbers), interleaved with the baseline's
const repairers = [];
for (const [label, root] of trees) repairers.push([label, (await import(auditModule(root, "repair.js"))).repairWheel]);
const inproc = repairers.map(() => []);
for (let i = 0; i < runs; i++) {
  for (const [k, [, repairWheel]] of repairers.entries()) {
    const out = mkdtempWork("repair-inproc");
    const t0 = process.hrtime.bigint();
    await repairWheel(wheel, { outDir: out, env });
    inproc[k].push(Number(process.hrtime.bigint() - t0) / 1e9);
    removeWork(out);
  }
}
printTable(
  ["repairWheel in process", "median", "min", "max"],
  repairers.map(([label], k) => [label, fmtSeconds(median(inproc[k])), fmtSeconds(Math.min(...inproc[k])), fmtSeconds(Math.max(...inproc[k]))]),
);
if (repairers.length === 2) console.log(`\nbaseline / this checkout (in process): ${ratio(median(inproc[1]), median(inproc[0]))}`);
console.log("");

// ---- (2b) time `pyts-build repair` next to auditwheel
let auditwheel;
const awVenv = join(BENCH_WORK, "auditwheel-venv");
if (existsSync(join(awVenv, "bin/auditwheel"))) auditwheel = join(awVenv, "bin/auditwheel");
else {
  const dl = mkdtempWork("auditwheel-dl");
  const r = spawnSync("pip", ["download", "--no-deps", "--dest", dl, "auditwheel"], { encoding: "utf8", timeout: 120_000 });
  if (r.status === 0) {
    execFileSync("/usr/bin/python3", ["-m", "venv", awVenv]);
    const i = spawnSync(join(awVenv, "bin/pip"), ["install", "auditwheel"], { encoding: "utf8" });
    if (i.status === 0) auditwheel = join(awVenv, "bin/auditwheel");
    else console.log(`auditwheel downloaded but its install failed (its dependencies are not on the mirror?):\n${i.stderr.trim().split("\n").at(-1)}`);
  } else console.log("auditwheel: not available from pip's configured mirror (`pip download --no-deps auditwheel` failed); timing pyts-build alone");
  removeWork(dl);
}

const cmds = [["pyts-build repair", (out) => [process.execPath, [CLI, "repair", wheel, "-w", out]]]];
if (values.baseline) cmds.push(["pyts-build repair (baseline)", (out) => [process.execPath, [join(resolve(values.baseline), "bin/pyts-build.js"), "repair", wheel, "-w", out]]]);
if (auditwheel) cmds.push(["auditwheel repair", (out) => [auditwheel, ["repair", wheel, "-w", out]]]);
const times = cmds.map(() => []);
for (let i = 0; i < runs; i++) {
  cmds.forEach(([, mk], k) => {
    const out = mkdtempWork("repair-out");
    const [cmd, args] = mk(out);
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { env: benchEnv({ LD_LIBRARY_PATH: libDir }), encoding: "utf8" });
    times[k].push(Number(process.hrtime.bigint() - t0) / 1e9);
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}\n${r.stderr}`);
    removeWork(out);
  });
}
printTable(
  ["command", "median", "min", "max"],
  cmds.map(([label], k) => [label, fmtSeconds(median(times[k])), fmtSeconds(Math.min(...times[k])), fmtSeconds(Math.max(...times[k]))]),
);
const k = (label) => cmds.findIndex(([l]) => l === label);
if (values.baseline) console.log(`\nbaseline / this checkout: ${ratio(median(times[k("pyts-build repair (baseline)")]), median(times[0]))}`);
if (auditwheel) console.log(`auditwheel / pyts-build: ${ratio(median(times[k("auditwheel repair")]), median(times[0]))}`);
removeWork(work);
