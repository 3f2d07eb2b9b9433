/**
 * --compatibility x --auditwheel on audits of real builds: a plain extension
 * (meets the policy of its glibc need), one linking a library of ours (needs
 * bundling), one with an x86-64-v3 ISA note (plain linux only).
 */
import { symlinkSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { AuditError, ValidationError } from "../../../src/errors.js";
import { auditElfFiles, type AuditReport } from "../../../src/manylinux/audit/audit.js";
import { chooseCompatibility, type CompatibilityRequest } from "../../../src/manylinux/audit/compatibility.js";
import { freshDir } from "../../helpers/env.js";
import { buildCLib, buildPyext } from "../helpers/build.js";
import { thrown } from "../../helpers/thrown.js";

const LINUX = "linux_x86_64";
const req = (compatibility: string, auditwheel: CompatibilityRequest["auditwheel"]): CompatibilityRequest => ({ compatibility, auditwheel, linuxTag: LINUX });

describe("chooseCompatibility", () => {
  let plain: AuditReport;
  let extlib: AuditReport;
  let isa: AuditReport;
  let glibc: string; // the plain build's policy, e.g. manylinux_2_34

  beforeAll(() => {
    plain = auditElfFiles([{ path: "pyext.so", file: buildPyext({ variant: "compat-plain" }) }]);
    glibc = plain.best!.policy.name;
    const libDir = freshDir("compat-lib");
    buildCLib(libDir, "libcompatdep.so.1", "long pyext_answer(void) { return 5; }\n", ["-Wl,-soname,libcompatdep.so.1"]);
    symlinkSync("libcompatdep.so.1", join(libDir, "libcompatdep.so"));
    const ext = buildPyext({ variant: "compat-extlib", features: ["extlib"], linkLib: "compatdep", linkDir: libDir });
    extlib = auditElfFiles([{ path: "pyext.so", file: ext }], { env: { LD_LIBRARY_PATH: libDir } });
    isa = auditElfFiles([{ path: "pyext.so", file: buildPyext({ variant: "compat-isa", rustflags: "-C target-cpu=x86-64-v3 -C link-arg=-fuse-ld=bfd -C link-arg=-Wl,-z,x86-64-v3" }) }]);
  });

  it("linux / off: the plain tag, no audit needed", () => {
    for (const c of ["linux", "off"]) {
      expect(chooseCompatibility(undefined, req(c, "repair"))).toEqual({ platformTags: [LINUX], policy: undefined, grafts: [], warnings: [] });
    }
  });

  it("auto: the best policy met (repair: after bundling)", () => {
    const d = chooseCompatibility(plain, req("auto", "repair"));
    expect(d.policy?.name).toBe(glibc);
    expect(d.platformTags).toEqual([`${glibc}_x86_64`]);
    expect(d.grafts).toEqual([]);
    const e = chooseCompatibility(extlib, req("auto", "repair"));
    expect(e.policy?.name).toBe(extlib.bestRepaired!.policy.name);
    expect(e.grafts.map((g) => g.name)).toEqual(["libcompatdep.so.1"]);
    expect(chooseCompatibility(plain, req("auto", "check")).policy?.name).toBe(glibc);
  });

  it("auto + check refuses outside libraries; auto + warn tags linux and warns", () => {
    const err = thrown(() => chooseCompatibility(extlib, req("auto", "check")));
    expect(err).toBeInstanceOf(AuditError);
    expect(err.message).toMatch(/needs libraries outside the wheel.*libcompatdep\.so\.1/);
    expect((err as AuditError).hint).toMatch(/--auditwheel repair/);
    const w = chooseCompatibility(extlib, req("auto", "warn"));
    expect(w.platformTags).toEqual([LINUX]);
    expect(w.warnings.join("\n")).toMatch(/libcompatdep\.so\.1/);
  });

  it("an ISA level above the baseline: auto falls back to linux with a warning; pypi refuses", () => {
    const d = chooseCompatibility(isa, req("auto", "repair"));
    expect(d.platformTags).toEqual([LINUX]);
    expect(d.warnings.join("\n")).toMatch(/x86-64-v3/);
    const err = thrown(() => chooseCompatibility(isa, req("pypi", "repair")));
    expect(err).toBeInstanceOf(AuditError);
    expect((err as AuditError).hint).toMatch(/target-cpu/);
    expect(chooseCompatibility(plain, req("pypi", "repair")).policy?.name).toBe(glibc);
  });

  it("an explicit policy the build misses is an error naming the symbols", () => {
    const err = thrown(() => chooseCompatibility(plain, req("manylinux2014", "repair")));
    expect(err).toBeInstanceOf(AuditError);
    expect(err.message).toMatch(/does not meet manylinux_2_17 \(manylinux2014\): pyext\.so needs GLIBC_2\.\d+ from libc\.so\.6 for \w+/);
    expect((err as AuditError).hint).toMatch(/older glibc \(glibc 2\.17\).*pyts-build manylinux/);
  });

  it("an explicit policy: check, repair and warn with outside libraries", () => {
    expect(chooseCompatibility(plain, req("manylinux_2_36", "check")).platformTags).toEqual(["manylinux_2_36_x86_64"]);
    const err = thrown(() => chooseCompatibility(extlib, req("manylinux_2_36", "check")));
    expect(err).toBeInstanceOf(AuditError);
    expect((err as AuditError).hint).toBe("use --auditwheel repair to bundle libcompatdep.so.1 into the wheel");
    const r = chooseCompatibility(extlib, req("manylinux_2_36", "repair"));
    expect(r.platformTags).toEqual(["manylinux_2_36_x86_64"]);
    expect(r.grafts.map((g) => g.name)).toEqual(["libcompatdep.so.1"]);
    const w = chooseCompatibility(extlib, req("manylinux_2_36", "warn"));
    expect(w.platformTags).toEqual(["manylinux_2_36_x86_64"]);
    expect(w.grafts).toEqual([]);
    expect(w.warnings[0]).toMatch(/does not meet manylinux_2_36 but is tagged so/);
  });

  it("skip: an explicit tag without audit; unknown names list the valid ones", () => {
    const d = chooseCompatibility(undefined, req("manylinux2014", "skip"));
    expect(d.platformTags).toEqual(["manylinux2014_x86_64", "manylinux_2_17_x86_64"]);
    expect(d.warnings[0]).toMatch(/without an audit/);
    expect(chooseCompatibility(undefined, req("auto", "skip")).platformTags).toEqual([LINUX]);
    expect(thrown(() => chooseCompatibility(undefined, req("pypi", "skip")))).toBeInstanceOf(AuditError);
    const bad = thrown(() => chooseCompatibility(plain, req("manylinux2077", "check")));
    expect(bad).toBeInstanceOf(ValidationError);
    expect((bad as ValidationError).hint).toMatch(/manylinux2014, manylinux_2_17/);
  });
});
