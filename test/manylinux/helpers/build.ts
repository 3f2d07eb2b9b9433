/**
 * Real builds for the manylinux tests: the no-dependency `pyext` fixture crate
 * through cargo (variants by feature / RUSTFLAGS / extra link library), small C
 * shared libraries through cc, and plain wheels around a built extension.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { ROOT, testEnv, WORK } from "../../helpers/env.js";

export const PYEXT_FIXTURE = join(ROOT, "test/manylinux/fixtures/pyext");

/** Copy a tree, rewriting only files whose bytes changed (so cargo's fingerprints stay valid). */
function syncTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(from)) {
    const a = join(from, name);
    const b = join(to, name);
    if (statSync(a).isDirectory()) syncTree(a, b);
    else if (!existsSync(b) || !readFileSync(a).equals(readFileSync(b))) copyFileSync(a, b);
  }
}

export interface PyextVariant {
  /** names the build folder; one per distinct configuration so variants do not rebuild each other */
  variant: string;
  features?: string[];
  rustflags?: string;
  /** link this library (-l) from linkDir, through the fixture's build.rs */
  linkLib?: string;
  linkDir?: string;
}

/** Build the pyext cdylib with cargo and return the path of `libpyext.so`. */
export function buildPyext(v: PyextVariant): string {
  const dir = join(WORK, "pyext-" + v.variant);
  syncTree(PYEXT_FIXTURE, dir);
  const args = ["build", "--release", "--quiet", "--manifest-path", join(dir, "Cargo.toml")];
  if (v.features?.length) args.push("--features", v.features.join(","));
  execFileSync("cargo", args, {
    env: testEnv({
      RUSTFLAGS: v.rustflags,
      PYEXT_LINK_LIB: v.linkLib,
      PYEXT_LINK_DIR: v.linkDir,
      CARGO_TARGET_DIR: join(dir, "target"),
    }),
    stdio: "pipe",
  });
  return join(dir, "target/release/libpyext.so");
}

/** Compile C source into a shared library with cc; returns its path. */
export function buildCLib(dir: string, fileName: string, source: string, args: string[] = []): string {
  mkdirSync(dir, { recursive: true });
  const src = join(dir, fileName.replace(/\.so.*$/, "") + ".c");
  writeFileSync(src, source);
  const out = join(dir, fileName);
  execFileSync("cc", ["-shared", "-fPIC", "-O1", "-o", out, src, ...args], { stdio: "pipe" });
  return out;
}

export interface WheelFile {
  path: string;
  data: Buffer | string;
  mode?: number;
}

/**
 * A plain `linux_x86_64` wheel around the given files, made by Python's zipfile
 * (an independent writer: the tests should not judge pyts-build's output with
 * pyts-build's own writer). RECORD is computed here.
 */
export function makeWheel(outDir: string, dist: string, version: string, tag: string, files: WheelFile[]): string {
  const info = `${dist}-${version}.dist-info`;
  const all: WheelFile[] = [
    ...files,
    {
      path: `${info}/METADATA`,
      data: `Metadata-Version: 2.1\nName: ${dist}\nVersion: ${version}\nSummary: test wheel\nDescription-Content-Type: text/plain\n\nA test wheel.\n`,
    },
    { path: `${info}/WHEEL`, data: `Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: false\nTag: ${tag}\n` },
  ];
  mkdirSync(outDir, { recursive: true });
  const staging = join(outDir, ".staging-" + Math.random().toString(36).slice(2));
  const listing: { path: string; file: string; mode: number }[] = [];
  for (const f of all) {
    const file = join(staging, f.path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, f.data);
    listing.push({ path: f.path, file, mode: f.mode ?? (f.path.endsWith(".so") ? 0o755 : 0o644) });
  }
  const wheel = join(outDir, `${dist}-${version}-${tag}.whl`);
  const script = `
import base64, hashlib, json, sys, zipfile
listing = json.loads(sys.argv[2])
info = sys.argv[3]
rows = []
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for e in listing:
        data = open(e["file"], "rb").read()
        zi = zipfile.ZipInfo(e["path"], (2020, 1, 1, 0, 0, 0))
        zi.external_attr = (0o100000 | e["mode"]) << 16
        zi.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(zi, data)
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        rows.append(f"{e['path']},sha256={digest},{len(data)}")
    rows.append(f"{info}/RECORD,,")
    zi = zipfile.ZipInfo(f"{info}/RECORD", (2020, 1, 1, 0, 0, 0))
    zi.external_attr = 0o100644 << 16
    z.writestr(zi, "\\n".join(rows) + "\\n")
`;
  execFileSync("/usr/bin/python3", ["-c", script, wheel, JSON.stringify(listing), info], { stdio: "pipe" });
  execFileSync("rm", ["-rf", staging]);
  return wheel;
}
