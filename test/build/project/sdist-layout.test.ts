import { describe, expect, it } from "vitest";
import { parse } from "smol-toml";
import { join } from "node:path";
import { defaultPyprojectText, stubPyprojectText, stubTarget, withPytsBuildBackend } from "../../../src/build/project/sdist-layout.js";
import { ConfigError } from "../../../src/errors.js";
import { freshDir } from "../../helpers/env.js";
import { writeTree } from "../sdist/sdist-fixtures.js";

describe("the stub pyproject.toml at the top of an sdist", () => {
  it("copies the project's [build-system] and names the project folder", () => {
    const doc = parse(stubPyprojectText("py", { requires: ["pyts-build>=0.1", "x"], "build-backend": "pyts_build" }));
    expect(doc).toEqual({ "build-system": { requires: ["pyts-build>=0.1", "x"], "build-backend": "pyts_build" }, tool: { "pyts-build": { "project-dir": "py" } } });
    expect(parse(defaultPyprojectText())).toEqual({ "build-system": { requires: ["pyts-build"], "build-backend": "pyts_build" } });
  });

  it("names pyts-build's backend when the project named maturin's (maturin cannot read project-dir), keeping other requirements", () => {
    const doc = parse(stubPyprojectText("py", { requires: ["maturin>=1,<2", "cffi"], "build-backend": "maturin" }));
    expect(doc).toEqual({ "build-system": { requires: ["pyts-build", "cffi"], "build-backend": "pyts_build" }, tool: { "pyts-build": { "project-dir": "py" } } });
    // no [build-system] table in the project: pyts-build's
    expect(parse(stubPyprojectText("py", undefined))["build-system"]).toEqual({ requires: ["pyts-build"], "build-backend": "pyts_build" });
  });

  it("is followed only to a folder below it that holds a project", () => {
    const dir = freshDir("stub");
    writeTree(dir, { "py/pyproject.toml": "", "empty/.keep": "" });
    const file = join(dir, "pyproject.toml");
    const raw = (v: unknown) => ({ tool: { "pyts-build": { "project-dir": v } } });
    expect(stubTarget(file, {})).toBeUndefined();
    expect(stubTarget(file, { tool: { "pyts-build": { "module-name": "x" } } })).toBeUndefined();
    expect(stubTarget(file, raw("py"))).toBe(join(dir, "py"));
    for (const bad of ["../elsewhere", "/abs", "", 3, "a/../../b"]) {
      expect(() => stubTarget(file, raw(bad)), String(bad)).toThrow(/must be a relative path below this folder/);
    }
    expect(() => stubTarget(file, raw("empty"))).toThrow(ConfigError);
    expect(() => stubTarget(file, raw("empty"))).toThrow(/holds neither pyproject.toml nor Cargo.toml/);
  });
});

describe("withPytsBuildBackend (sdist --backend pyts-build)", () => {
  const text = '# my project\n[build-system]\nrequires = [\n  "setuptools>=61",\n  "setuptools-rust>=1.7",\n  "cffi",\n]\nbuild-backend = "setuptools.build_meta"\n\n[project]\nname = "x"\n';
  const raw = parse(text) as Record<string, unknown>;

  it("replaces [build-system] only, keeping other build requirements and the rest as written", () => {
    const out = withPytsBuildBackend(text, raw, "pyproject.toml");
    expect(out).toBe('# my project\n[build-system]\nrequires = [ "pyts-build", "cffi" ]\nbuild-backend = "pyts_build"\n\n[project]\nname = "x"\n');
    expect((parse(out) as { project: unknown }).project).toEqual({ name: "x" });
  });

  it("adds the table to a file without one, and writes a file for a project without pyproject.toml", () => {
    expect(withPytsBuildBackend('[project]\nname = "x"\n', {}, "p")).toMatch(/^\[build-system\]\nrequires = \[ "pyts-build" \]\nbuild-backend = "pyts_build"\n\n\[project\]/);
    expect(parse(withPytsBuildBackend(undefined, undefined, "p"))).toEqual({ "build-system": { requires: ["pyts-build"], "build-backend": "pyts_build" } });
  });

  it("refuses dotted build-system keys it cannot replace", () => {
    const t = 'build-system.requires = ["setuptools"]\n';
    expect(() => withPytsBuildBackend(t, parse(t) as Record<string, unknown>, "p/pyproject.toml")).toThrow(/p\/pyproject.toml: \[build-system\] is written with dotted keys/);
  });
});
