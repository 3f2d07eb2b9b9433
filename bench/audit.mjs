#!/usr/bin/env node
/**
 * Audit speed: (1) the word-count example's extension, as a wheel and as the
 * bare .so; (2) a generated shared library of >= 50 MB (a big initialized array,
 * so the bytes are really in the file). The reader reads only the ranges it
 * needs: the bytes it asked for are counted and printed next to the file size.
 * Side by side: `readelf -d -V --dyn-syms` on the same files (it reads the same
 * tables), and auditwheel when installed (it is not, by default, on this machine;
 * PyPI is unreachable here, so it cannot be installed either).
 *
 *   node bench/audit.mjs [--runs 15] [--size-mb 64]
 *
 * Needs a compiled dist/ (`npm run build`).
 */
import { execFileSync } from "node:child_process";
import { statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { benchEnv, BENCH_WORK, CLI, findPython, fmtSeconds, header, hyperfine, makePlainWheel, mkdtempWork, printTable, ROOT, summarize, timeRuns } from "./lib.mjs";

const dist = (p) => join(ROOT, "dist/src/manylinux/audit", p);
const { auditElfFiles } = await import(dist("audit.js"));
const { auditWheel } = await import(dist("wheel-audit.js"));
const { parseElf } = await import(dist("elf.js"));
const { fileSource } = await import(dist("byte-source.js"));

const { values } = parseArgs({ options: { runs: { type: "string", default: "15" }, "size-mb": { type: "string", default: "64" } } });
const runs = Number(values.runs);
const sizeMb = Math.max(50, Number(values["size-mb"]));

header(`manylinux audit speed (${runs} runs each, medians)`);
const work = mkdtempWork("audit");

// ---- the word-count example's extension
const python = findPython("3.11") ?? findPython("3.12") ?? "/usr/bin/python3";
const target = join(BENCH_WORK, "audit-word-count-target");
execFileSync("cargo", ["build", "--release", "--quiet", "--manifest-path", join(ROOT, "examples/word-count/Cargo.toml")], {
  env: benchEnv({ CARGO_TARGET_DIR: target, PYO3_PYTHON: python }),
  stdio: "inherit",
});
const wcSo = join(target, "release/libword_count.so");
const wcWheel = join(work, "word_count-0.1.0-cp311-cp311-linux_x86_64.whl");
const emptyInit = join(work, "__init__.py");
writeFileSync(emptyInit, "");
makePlainWheel(wcWheel, { name: "word-count", dist: "word_count", version: "0.1.0", tag: "cp311-cp311-linux_x86_64" }, { "word_count/_word_count.so": wcSo, "word_count/__init__.py": emptyInit });

// ---- a big shared library: a 64 MB initialized array plus real code that needs libc and libz
const bigC = join(work, "big.c");
writeFileSync(
  bigC,
  `#include <string.h>\n#include <zlib.h>\n#define N (${sizeMb}u * 1024u * 1024u)\nconst unsigned char big_table[N] = {1, 2, 3};\n` +
    `unsigned long big_crc(void) { return crc32(0, big_table, N); }\nvoid big_copy(void *d) { memcpy(d, big_table, 64); }\n`,
);
const bigSo = join(work, "libbig.so");
execFileSync("cc", ["-shared", "-fPIC", "-O1", "-o", bigSo, bigC, "-lz"]);
const bigSize = statSync(bigSo).size;

/** Bytes the reader asks for, through a counting byte source. */
function bytesRead(path) {
  const src = fileSource(path);
  let n = 0;
  const counting = { name: src.name, size: src.size, read: (o, l, w) => ((n += l), src.read(o, l, w)) };
  try {
    parseElf(counting);
  } finally {
    src.close();
  }
  return n;
}

const mb = (n) => `${(n / 1024 / 1024).toFixed(1)} MB`;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(`word-count extension: ${mb(statSync(wcSo).size)}, reader read ${kb(bytesRead(wcSo))}`);
console.log(`generated library:    ${mb(bigSize)}, reader read ${kb(bytesRead(bigSo))}\n`);

const rows = [];
const inProcess = async (label, fn) => {
  const t = summarize(await timeRuns(fn, { runs, warmup: 2 }));
  rows.push([label, fmtSeconds(t.median), fmtSeconds(t.min), fmtSeconds(t.max)]);
  return t.median;
};
const auditSo = (file) => () => auditElfFiles([{ path: "x.so", file }]);
const wcAudit = await inProcess("pyts audit (in process): word-count .so", auditSo(wcSo));
await inProcess("pyts audit (in process): word-count wheel", () => auditWheel(wcWheel));
const bigAudit = await inProcess(`pyts audit (in process): ${mb(bigSize)} .so`, auditSo(bigSo));
// a wheel holding the big library: unzipping 64 MB to a scratch folder dominates here
const bigWheel = join(work, "big-1.0-cp311-cp311-linux_x86_64.whl");
makePlainWheel(bigWheel, { name: "big", dist: "big", version: "1.0", tag: "cp311-cp311-linux_x86_64" }, { "big/libbig.so": bigSo });
await inProcess(`pyts audit (in process): wheel holding the ${mb(bigSize)} .so (includes unzipping it)`, () => auditWheel(bigWheel));

console.log("In-process audit (parse, resolve libraries, judge every policy):");
printTable(["what", "median", "min", "max"], rows);

// whole commands, side by side
const cmds = [
  `readelf -d -V --dyn-syms ${wcSo}`,
  `node ${CLI} audit --json ${wcWheel}`,
  `readelf -d -V --dyn-syms ${bigSo}`,
];
const auditwheel = (() => {
  try {
    return execFileSync("sh", ["-c", "command -v auditwheel"], { encoding: "utf8" }).trim();
  } catch {
    return undefined;
  }
})();
if (auditwheel) cmds.push(`${auditwheel} show ${wcWheel}`);
const hf = hyperfine(cmds, { runs, warmup: 2, shell: false });
console.log("\nWhole commands (hyperfine; the CLI includes Node start-up):");
printTable(
  ["command", "median", "min", "max"],
  hf.map((r) => [r.command.replace(work + "/", "").replace(target + "/release/", "").replace(CLI, "pyts-build"), fmtSeconds(r.median), fmtSeconds(r.min), fmtSeconds(r.max)]),
);
if (!auditwheel) console.log("\nauditwheel: not installed on this machine (and PyPI is unreachable), so no side-by-side run.");
const readelfBig = hf[2].median;
console.log(`\n${mb(bigSize)} library: pyts audit ${fmtSeconds(bigAudit)} (target: well under 1 s); readelf -d -V --dyn-syms ${fmtSeconds(readelfBig)} (a whole process, so start-up included)`);
console.log(`word-count .so: pyts audit ${fmtSeconds(wcAudit)}; readelf ${fmtSeconds(hf[0].median)}`);
console.log(`\n(work files kept in ${work})`);
