#!/usr/bin/env node
/**
 * Not a timing: the wheel members and METADATA of pyts-build's wheels next to
 * setuptools + setuptools-rust's, for setuptools-rust projects (the lists the
 * tests in test/build/setuptools-wheel.test.ts expect were checked this way,
 * with setuptools 84 and setuptools-rust 1.13). Each project folder is copied
 * under bench/.work and built by both for the same interpreter with the offline
 * crate source: `pyts-build wheel --compatibility linux` and `pip wheel
 * --no-build-isolation` in a venv holding setuptools and setuptools-rust.
 *
 *   python3.11 -m venv V && V/bin/pip install -U setuptools setuptools-rust wheel   # where pip's mirror has them
 *   SETUPTOOLS_VENV=V node bench/setuptools-rust-layout.mjs [PROJECT...]
 *
 * Without PROJECT folders it takes the ones the test left in test/.work/st-*
 * (run `npx vitest run test/build/setuptools-wheel.test.ts` first). Needs a
 * compiled dist/ (`npm run build`). setuptools' `Dynamic:` lines (it marks
 * setup.py's fields so in the wheel too) are listed apart: pyts-build writes none.
 */
import { execFileSync } from "node:child_process";
import { cpSync, readdirSync, rmSync } from "node:fs";
import { basename, join } from "node:path";
import { benchEnv, CLI, header, mkdtempWork, printTable, ROOT } from "./lib.mjs";

const venv = process.env.SETUPTOOLS_VENV;
if (!venv) {
  console.error("set SETUPTOOLS_VENV to a venv with setuptools and setuptools-rust (see the top of this file)");
  process.exit(2);
}
const python = join(venv, "bin", "python");
const work = join(ROOT, "test/.work");
const given = process.argv.slice(2);
const projects = given.length ? given : readdirSync(work).filter((d) => /^st-[a-z0-9]+-\d+-/.test(d) && !d.startsWith("st-wheels")).map((d) => join(work, d));

const LIST = `import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
meta = [n for n in z.namelist() if n.endswith(".dist-info/METADATA")][0]
head = z.read(meta).decode().split("\\n\\n")[0].splitlines()
print("\\n".join(sorted(z.namelist())))
print("--")
print("\\n".join(sorted(head)))`;

function describe(wheel) {
  const [members, head] = execFileSync(python, ["-c", LIST, wheel], { encoding: "utf8" }).trim().split("\n--\n");
  return { members: members.split("\n"), head: head.split("\n") };
}

header("setuptools-rust projects: pyts-build's wheel next to setuptools + setuptools-rust's");
const rows = [];
for (const project of projects) {
  const dir = mkdtempWork(`st-layout-${basename(project)}`);
  cpSync(project, dir, { recursive: true, filter: (src) => !/\/target$|\/out$|\/dist$/.test(src) });
  const ours = join(dir, "out-pyts");
  const theirs = join(dir, "out-setuptools");
  const env = benchEnv({ PIP_CONFIG_FILE: "/dev/null" });
  try {
    execFileSync(process.execPath, [CLI, "wheel", "-q", "-i", python, "--compatibility", "linux", "-o", ours], { cwd: dir, env, stdio: ["ignore", "ignore", "inherit"] });
    execFileSync(python, ["-m", "pip", "wheel", "-q", "--no-build-isolation", "--no-deps", "--no-index", "-w", theirs, "."], { cwd: dir, env, stdio: ["ignore", "ignore", "inherit"] });
  } catch {
    rows.push([basename(project), "build failed", ""]);
    continue;
  }
  const a = describe(join(ours, readdirSync(ours)[0]));
  const b = describe(join(theirs, readdirSync(theirs)[0]));
  const diff = (x, y) => x.filter((m) => !y.includes(m) && !m.endsWith("/RECORD"));
  const onlyOurs = [...diff(a.members, b.members), ...diff(a.head, b.head).map((l) => `METADATA ${l}`)];
  const onlyTheirs = [...diff(b.members, a.members), ...diff(b.head, a.head).filter((l) => !l.startsWith("Dynamic:")).map((l) => `METADATA ${l}`)];
  const dynamic = b.head.filter((l) => l.startsWith("Dynamic:")).length;
  rows.push([basename(project), onlyOurs.join(" ") || "-", (onlyTheirs.join(" ") || "-") + (dynamic ? ` (+${dynamic} Dynamic lines)` : "")]);
  rmSync(dir, { recursive: true, force: true });
}
printTable(["project", "only in pyts-build's wheel", "only in setuptools-rust's wheel"], rows);
