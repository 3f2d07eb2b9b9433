import { chmodSync, cpSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { buildWheels } from "../../../src/build/build-wheel.js";
import { writeWheelUnlessCurrent } from "../../../src/build/cache/wheel-reuse.js";
import { emptyMetadata } from "../../../src/wheel/metadata.js";
import { type WheelSpec, writeWheel } from "../../../src/wheel/wheel.js";
import { cpython, freshDir, ROOT, testEnv } from "../../helpers/env.js";

const ino = (p: string) => statSync(p, { bigint: true }).ino;
const mtime = (p: string) => statSync(p, { bigint: true }).mtimeNs;

function specIn(d: string, over: Partial<WheelSpec> = {}): WheelSpec {
  writeFileSync(join(d, "mod.py"), "x = 1\n");
  return {
    metadata: { ...emptyMetadata("reuse-me", "1.0"), summary: "s" },
    tags: [{ python: "py3", abi: "none", platform: "any" }],
    files: [
      { path: "reuse_me/__init__.py", source: { file: join(d, "mod.py") } },
      { path: "reuse_me/data.txt", source: { bytes: "data" } },
    ],
    ...over,
  };
}

/** The bytes a fresh write of `spec` gives (into its own folder). */
async function rewritten(spec: WheelSpec, d: string): Promise<Buffer> {
  return readFileSync(await writeWheel(spec, join(d, "fresh-" + Math.random().toString(36).slice(2))));
}

const savedEpoch = process.env.SOURCE_DATE_EPOCH;
afterEach(() => {
  if (savedEpoch === undefined) delete process.env.SOURCE_DATE_EPOCH;
  else process.env.SOURCE_DATE_EPOCH = savedEpoch;
});

describe("writeWheelUnlessCurrent", () => {
  it("keeps an unchanged wheel, byte-identical to what a rewrite gives", async () => {
    const d = freshDir("wheel-reuse");
    const spec = specIn(d);
    const notes = join(d, "notes");
    const a = await writeWheelUnlessCurrent(spec, join(d, "out"), notes);
    expect(a.reused).toBe(false);
    const before = { ino: ino(a.path), mtime: mtime(a.path) };
    const b = await writeWheelUnlessCurrent(spec, join(d, "out"), notes);
    expect(b).toEqual({ path: a.path, reused: true });
    expect({ ino: ino(b.path), mtime: mtime(b.path) }).toEqual(before); // not touched
    expect(readFileSync(b.path).equals(await rewritten(spec, d))).toBe(true);
  });

  const changes: Array<[string, (d: string, spec: WheelSpec) => WheelSpec]> = [
    ["a source file's content (same size)", (d, s) => (writeFileSync(join(d, "mod.py"), "x = 2\n"), s)],
    ["a source file's executable bit", (d, s) => (chmodSync(join(d, "mod.py"), 0o755), s)],
    ["an in-memory member", (_d, s) => ({ ...s, files: [s.files[0]!, { path: "reuse_me/data.txt", source: { bytes: "DATA" } }] })],
    ["the metadata", (_d, s) => ({ ...s, metadata: { ...s.metadata, summary: "other" } })],
    ["the member paths", (_d, s) => ({ ...s, files: [s.files[0]!, { path: "reuse_me/other.txt", source: { bytes: "data" } }] })],
    ["the entry points", (_d, s) => ({ ...s, entryPoints: { console_scripts: { rm: "reuse_me:main" } } })],
    ["SOURCE_DATE_EPOCH", (_d, s) => ((process.env.SOURCE_DATE_EPOCH = "1700000000"), s)],
    ["the wheel on disk", (d, s) => (writeFileSync(join(d, "out", "reuse_me-1.0-py3-none-any.whl"), "not a wheel"), s)],
  ];
  for (const [what, change] of changes) {
    it(`writes again when ${what} differs, with a fresh rewrite's bytes`, async () => {
      const d = freshDir("wheel-reuse");
      const notes = join(d, "notes");
      const first = await writeWheelUnlessCurrent(specIn(d), join(d, "out"), notes);
      const spec = change(d, specIn(d, {}));
      if (what.startsWith("a source file")) change(d, spec); // specIn rewrote mod.py: apply the change again
      const again = await writeWheelUnlessCurrent(spec, join(d, "out"), notes);
      expect(again.reused).toBe(false);
      expect(again.path).toBe(first.path);
      expect(readFileSync(again.path).equals(await rewritten(spec, d))).toBe(true);
    });
  }
});

const py = cpython("3.11") ?? cpython("3.12");
describe.skipIf(!py)("buildWheels: a no-op rebuild keeps the wheel (real cargo, ffi-min)", () => {
  it("kept while nothing changes; written again when the crate, its features or the interpreter change", async () => {
    const d = freshDir("wheel-reuse-build");
    const crate = join(d, "crate");
    cpSync(join(ROOT, "test/fixtures/ffi-min"), crate, { recursive: true });
    const env = testEnv({ CARGO_TARGET_DIR: join(d, "target"), PYTS_BUILD_CACHE_DIR: join(d, "cache") });
    const build = async (o: { features?: string[]; interpreter?: string } = {}) =>
      (await buildWheels({ cwd: crate, env, out: join(d, "out"), interpreters: [o.interpreter ?? (py as string)], ...(o.features ? { features: o.features } : {}) }))[0]!.path;

    const first = await build();
    const stamp = { ino: ino(first), mtime: mtime(first) };
    const bytes = readFileSync(first);
    expect(await build()).toBe(first);
    expect({ ino: ino(first), mtime: mtime(first) }).toEqual(stamp); // kept, not rewritten

    // the same bytes as a build that cannot reuse (its notes removed)
    rmSync(join(d, "target", "pyts-build", "wheel-notes"), { recursive: true });
    expect(await build()).toBe(first);
    expect(ino(first)).not.toBe(stamp.ino);
    expect(readFileSync(first).equals(bytes)).toBe(true);

    // a feature changes the library: written again
    const beforeFeature = ino(first);
    await build({ features: ["plus-one"] });
    expect(ino(first)).not.toBe(beforeFeature);
    expect(readFileSync(first).equals(bytes)).toBe(false);

    // the crate's source changes: cargo relinks, the wheel follows the artifact cargo names
    const beforeSource = ino(first);
    writeFileSync(join(crate, "src/lib.rs"), readFileSync(join(crate, "src/lib.rs"), "utf8") + "\n// changed\n");
    await build({ features: ["plus-one"] });
    expect(ino(first)).not.toBe(beforeSource);

    const other = cpython("3.12");
    if (other && other !== py) {
      const second = await build({ interpreter: other });
      expect(second).not.toBe(first);
      expect(second).toMatch(/cp312/);
    }
  }, 120_000);
});
