/**
 * The layering of src/ (docs/architecture.md), kept by a test so it lives in the code, not only in the docs:
 * which folder may import which, the order of the rooms inside src/build, and the size of files and folders.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers/env.js";

const SRC = join(ROOT, "src");

/** Every .ts file under src/, relative to src/ with forward slashes. */
function sources(): string[] {
  return readdirSync(SRC, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts"))
    .map((f) => f.split("\\").join("/"))
    .sort();
}

/** The relative imports of a file (static, dynamic and type-only), as paths relative to src/. */
export function importsOf(file: string, text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)["'](\.{1,2}\/[^"']+)["']/g)) {
    const target = resolve(dirname(join(SRC, file)), m[1] as string).replace(/\.js$/, ".ts");
    out.push(relative(SRC, target).split("\\").join("/"));
  }
  return out;
}

/** The rooms of src/build, lowest first: a room may import its own and lower rooms, never a higher one. */
const BUILD_RANK: Record<string, number> = { cache: 0, project: 1, python: 2, target: 2.5, cargo: 3, stubs: 4, sdist: 5, "(top)": 5, backend: 6, scaffold: 7 };

/** The layer of a file under src/ (`build/<room>` for src/build). */
export function layerOf(path: string): string {
  const parts = path.split("/");
  if (parts[0] === "build") return parts.length === 2 ? "build/(top)" : `build/${parts[1]}`;
  if (parts[0] === "manylinux") return parts.length === 2 ? "manylinux/(top)" : `manylinux/${parts[1]}`;
  if (path === "index.ts") return "(api)"; // the package's public API: the top, like src/cli
  return parts.length === 1 ? "(shared)" : (parts[0] as string);
}

/** Why `from` may not import `to`, or undefined when it may. */
export function violation(from: string, to: string): string | undefined {
  const [a, b] = [layerOf(from), layerOf(to)];
  if (a === b || a === "(api)") return undefined;
  if (b === "(shared)") return undefined; // errors, log, cleanup, fs-util, version, output-dir
  if (a === "(shared)") return b === "wheel" ? undefined : "the shared modules of src/ import only src/wheel";
  if (a === "wheel") return "src/wheel is pure formats: it imports no higher layer";
  if (a === "manylinux/audit") return b === "wheel" ? undefined : "the audit layer (src/manylinux/audit) sits below the build and imports only src/wheel";
  if (a.startsWith("build/")) {
    if (b === "manylinux/container") return "src/build does not import the container layer above it";
    if (b.startsWith("build/")) {
      const [ra, rb] = [BUILD_RANK[a.slice(6)], BUILD_RANK[b.slice(6)]];
      if (ra === undefined || rb === undefined) return `unknown room ${ra === undefined ? a : b} (add it to BUILD_RANK and docs/architecture.md)`;
      return rb > ra ? `${a} reaches up to ${b}` : undefined;
    }
    return ["wheel", "manylinux/audit"].includes(b) ? undefined : `src/build imports only src/wheel and the audit layer below it, not ${b}`;
  }
  if (a === "manylinux/container") return ["cli", "ci", "publish"].includes(b) ? `the container layer does not import ${b}` : undefined;
  return undefined;
}

describe("architecture", () => {
  const files = sources();

  it("every import follows the layers", () => {
    const bad: string[] = [];
    for (const f of files) {
      for (const to of importsOf(f, readFileSync(join(SRC, f), "utf8"))) {
        const why = violation(f, to);
        if (why) bad.push(`src/${f} -> src/${to}: ${why}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it("the rule catches what it should (so the test above can fail)", () => {
    expect(violation("manylinux/audit/finalize.ts", "build/build-wheel.ts")).toMatch(/audit layer/);
    expect(violation("build/build-wheel.ts", "manylinux/container/orchestrate.ts")).toMatch(/container layer/);
    expect(violation("wheel/tags.ts", "build/python/interpreter-info.ts")).toMatch(/pure formats/);
    expect(violation("build/project/config.ts", "build/sdist/sdist-files.ts")).toMatch(/reaches up/);
    expect(violation("build/cache/remembered.ts", "build/cargo/cargo.ts")).toMatch(/reaches up/);
    expect(violation("build/cargo/cargo.ts", "build/project/toml.ts")).toBeUndefined();
    expect(violation("manylinux/container/orchestrate.ts", "build/build-wheel.ts")).toBeUndefined();
    expect(importsOf("build/x/a.ts", 'import type { T } from "../../wheel/tags.js";\nconst m = await import("./b.js");')).toEqual(["wheel/tags.ts", "build/x/b.ts"]);
  });

  it("src/build keeps at most 12 files at its top, and no folder holds more than 16 (src/cli, one file a command, aside)", () => {
    const perDir = new Map<string, number>();
    for (const f of files) perDir.set(dirname(f), (perDir.get(dirname(f)) ?? 0) + 1);
    expect(perDir.get("build") ?? 0).toBeLessThanOrEqual(12);
    const crowded = [...perDir].filter(([d, n]) => d !== "cli" && n > 16).map(([d, n]) => `src/${d}: ${n}`);
    expect(crowded).toEqual([]);
  });

  it("no source file is longer than 450 lines but the ELF reader", () => {
    const long = files
      .filter((f) => f !== "manylinux/audit/elf.ts")
      .map((f) => [f, readFileSync(join(SRC, f), "utf8").split("\n").length] as const)
      .filter(([, n]) => n > 450)
      .map(([f, n]) => `src/${f}: ${n}`);
    expect(long).toEqual([]);
  });
});
