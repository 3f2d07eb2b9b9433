/** cli/manylinux.ts: flags -> ManylinuxOptions, and the help (the real CLI). */
import { describe, expect, it } from "vitest";
import { manylinuxOptionsFrom } from "../../src/cli/manylinux.js";
import { ValidationError } from "../../src/errors.js";
import { runCli } from "../helpers/cli.js";

describe("manylinuxOptionsFrom", () => {
  it("--python values, and -i as an alias (names and /opt/python paths)", () => {
    const o = manylinuxOptionsFrom({ python: ["3.9", "3.12"], interpreter: ["python3.10", "/opt/python/cp311-cp311/bin/python"] }, []);
    expect(o.pythons).toEqual(["3.9", "3.12", "python3.10", "cp311"]);
  });
  it("a host path with -i is refused: inside the container Pythons are chosen by version", () => {
    expect(() => manylinuxOptionsFrom({ interpreter: ["/usr/bin/python3.11"] }, [])).toThrow(ValidationError);
  });
  it("container flags and the shared compile flags pass through; absent ones stay absent", () => {
    const o = manylinuxOptionsFrom({ policy: "manylinux_2_28", image: "img", engine: "podman", rust: "image", auditwheel: "check", out: "dist", release: true, features: ["a"], target: "aarch64-unknown-linux-gnu", emulate: true }, ["-C", "opt-level=2"]);
    expect(o).toEqual({ policy: "manylinux_2_28", image: "img", engine: "podman", rust: "image", auditwheel: "check", out: "dist", release: true, features: ["a"], target: "aarch64-unknown-linux-gnu", emulate: true, rustcArgs: ["-C", "opt-level=2"] });
    expect(manylinuxOptionsFrom({}, [])).toEqual({});
  });
});

describe("pyts-build manylinux --help", () => {
  it("documents the container flags", () => {
    const r = runCli(["manylinux", "--help"]);
    expect(r.code).toBe(0);
    for (const flag of ["--python <version>", "--policy <policy>", "--image <image>", "--engine <engine>", "--rust <mode>", "-o, --out <dir>", "--release", "--target <triple>", "--emulate"]) {
      expect(r.stdout).toContain(flag);
    }
  });
  it("an unknown --rust mode is a usage error", () => {
    const r = runCli(["manylinux", "--rust", "magic"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/--rust <mode>' argument 'magic' is invalid/);
  });
});
