/**
 * The policy table: the PEP numbers, the era limits checked against this
 * machine's real glibc 2.36 / GCC 12 libraries (Debian 12 is the table's
 * manylinux_2_36 reference system), and the symbol-introduction table checked
 * against this machine's libc.so.6.
 */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { readElfFile } from "../../../src/manylinux/audit/elf.js";
import {
  ARCHES,
  findPolicy,
  GLIBC_SYMBOL_INTRODUCED,
  glibcMinorOf,
  isDynamicLoader,
  isLibpython,
  isMuslLibc,
  NEWEST_GLIBC_MINOR,
  platformTags,
  policiesFor,
  policyLabel,
  versionVerdict,
  withoutArchSuffix,
} from "../../../src/manylinux/audit/policy.js";

const ccFile = (name: string) => execFileSync("cc", [`-print-file-name=${name}`], { encoding: "utf8" }).trim();
const libc = readElfFile(ccFile("libc.so.6"));
const glibcMinor = Number(/GLIBC_2\.(\d+)$/.exec(libc.versionDefs.filter((v) => /^GLIBC_2\.\d+$/.test(v)).sort((a, b) => glibcMinorOf(a)! - glibcMinorOf(b)!).at(-1)!)![1]);

const x86 = (name: string) => findPolicy(name, "x86_64")!;

describe("withoutArchSuffix (the one place that strips the architecture from a policy name or tag)", () => {
  it.each([
    ["manylinux_2_17_x86_64", "x86_64", "manylinux_2_17"],
    ["manylinux2014_x86_64", "x86_64", "manylinux2014"],
    ["musllinux_1_2_aarch64", "aarch64", "musllinux_1_2"],
    ["manylinux_2_28_ppc64le", "ppc64le", "manylinux_2_28"],
    // ppc64 is a suffix of ppc64le's tag only with the underscore, so nothing is cut here
    ["manylinux_2_28_ppc64le", "ppc64", "manylinux_2_28_ppc64le"],
    ["manylinux_2_17", "x86_64", "manylinux_2_17"],
    ["linux_x86_64", "x86_64", "linux"],
    ["_x86_64", "x86_64", "_x86_64"],
    ["manylinux_2_17_x86_64", "", "manylinux_2_17_x86_64"],
  ])("%s without %s -> %s", (name, arch, bare) => expect(withoutArchSuffix(name, arch)).toBe(bare));

  it("findPolicy takes names with and without the suffix alike", () => {
    expect(findPolicy("manylinux_2_17_x86_64", "x86_64")).toBe(findPolicy("manylinux2014", "x86_64"));
    expect(findPolicy("manylinux2014_x86_64", "x86_64")?.name).toBe("manylinux_2_17");
    expect(findPolicy("manylinux_2_17_aarch64", "x86_64")).toBeUndefined();
  });
});

describe("the table's shape", () => {
  it("first policy per architecture, newest, order", () => {
    const first = Object.fromEntries(ARCHES.map((a) => [a, policiesFor(a)[0]!.name]));
    expect(first).toEqual({
      x86_64: "manylinux_2_5",
      i686: "manylinux_2_5",
      aarch64: "manylinux_2_17",
      armv7l: "manylinux_2_17",
      ppc64: "manylinux_2_17",
      ppc64le: "manylinux_2_17",
      s390x: "manylinux_2_17",
      riscv64: "manylinux_2_31",
      loongarch64: "manylinux_2_36",
    });
    for (const a of ARCHES) expect(policiesFor(a).at(-1)!.name).toBe(`manylinux_2_${NEWEST_GLIBC_MINOR}`);
    const names = policiesFor("x86_64").map((p) => p.name);
    expect(names.slice(0, 4)).toEqual(["manylinux_2_5", "manylinux_2_12", "manylinux_2_17", "manylinux_2_18"]);
    expect(names).toContain("manylinux_2_28");
    const prio = policiesFor("x86_64").map((p) => p.priority);
    expect([...prio].sort((a, b) => b - a)).toEqual(prio);
    expect(policiesFor("x86_64", "musllinux").map((p) => p.name)).toEqual(["musllinux_1_1", "musllinux_1_2"]);
  });

  it("legacy aliases only where their PEP defined them", () => {
    expect(x86("manylinux1").name).toBe("manylinux_2_5");
    expect(x86("manylinux2010").name).toBe("manylinux_2_12");
    expect(x86("manylinux2014").name).toBe("manylinux_2_17");
    expect(findPolicy("manylinux2014", "ppc64")?.name).toBe("manylinux_2_17");
    expect(findPolicy("manylinux2014", "riscv64")).toBeUndefined();
    expect(findPolicy("manylinux1", "aarch64")).toBeUndefined();
    expect(findPolicy("manylinux_2_17_aarch64", "aarch64")?.aliases).toEqual(["manylinux2014"]);
    expect(findPolicy("manylinux_2_99", "x86_64")).toBeUndefined();
    expect(policyLabel(x86("manylinux_2_17"))).toBe("manylinux_2_17 (manylinux2014)");
  });

  it("platform tags: the PEP 600 name and the alias, sorted", () => {
    expect(platformTags(x86("manylinux2014"))).toEqual(["manylinux2014_x86_64", "manylinux_2_17_x86_64"]);
    expect(platformTags(x86("manylinux_2_5"))).toEqual(["manylinux1_x86_64", "manylinux_2_5_x86_64"]);
    expect(platformTags(x86("manylinux_2_28"))).toEqual(["manylinux_2_28_x86_64"]);
    expect(platformTags(findPolicy("musllinux_1_2", "aarch64")!)).toEqual(["musllinux_1_2_aarch64"]);
  });
});

describe("libraries", () => {
  it("the PEP list everywhere, libexpat from 2_12, libmvec from 2_24; never libpython, libcrypt or ncurses 5", () => {
    for (const p of policiesFor("x86_64")) {
      for (const l of ["libc.so.6", "libm.so.6", "libstdc++.so.6", "libgcc_s.so.1", "libz.so.1", "libGL.so.1", "libglib-2.0.so.0"]) expect(p.libraries.has(l)).toBe(true);
      for (const l of ["libpython3.11.so.1.0", "libcrypt.so.1", "libncursesw.so.5", "libssl.so.3"]) expect(p.libraries.has(l)).toBe(false);
      expect(p.libraries.has("libexpat.so.1")).toBe(p.version[1] >= 12);
      expect(p.libraries.has("libmvec.so.1")).toBe(p.version[1] >= 24);
    }
    expect(isDynamicLoader("ld-linux-x86-64.so.2")).toBe(true);
    expect(isDynamicLoader("ld64.so.2")).toBe(true);
    expect(isDynamicLoader("ld-linux-armhf.so.3")).toBe(true);
    expect(isDynamicLoader("libld.so")).toBe(false);
    expect(isLibpython("libpython3.11.so.1.0")).toBe(true);
    expect(isLibpython("libpython3.13t.so")).toBe(true);
    expect(isLibpython("libpython3.so")).toBe(true); // the stable-ABI library: linking it is the same mistake
    expect(isLibpython("libpythonista.so")).toBe(false);
    expect(isMuslLibc("libc.musl-x86_64.so.1")).toBe(true);
    expect(isMuslLibc("libc.so")).toBe(true);
    expect(isMuslLibc("libc.so.6")).toBe(false);
  });
});

describe("symbol versions", () => {
  it(`every GLIBC version of this machine's libc (glibc 2.${glibcMinor}) is allowed exactly from its own policy on`, () => {
    const numbered = libc.versionDefs.filter((v) => /^GLIBC_2\.[\d.]+$/.test(v));
    expect(numbered.length).toBeGreaterThan(30);
    for (const v of numbered) {
      const minor = glibcMinorOf(v)!;
      for (const p of policiesFor("x86_64")) {
        expect([v, p.name, versionVerdict(p, v)]).toEqual([v, p.name, p.version[1] >= minor ? "allowed" : "denied"]);
      }
    }
    for (const p of policiesFor("x86_64")) expect(versionVerdict(p, "GLIBC_PRIVATE")).toBe("denied");
    if (libc.versionDefs.includes("GLIBC_ABI_DT_RELR")) {
      expect(versionVerdict(x86("manylinux_2_36"), "GLIBC_ABI_DT_RELR")).toBe("allowed");
      expect(versionVerdict(x86("manylinux_2_35"), "GLIBC_ABI_DT_RELR")).toBe("denied");
    }
  });

  it("this machine's libstdc++ and libgcc_s (GCC 12, Debian 12) fit manylinux_2_36, and GCC 12's own versions do not fit older eras", () => {
    const cxx = readElfFile(ccFile("libstdc++.so.6")).versionDefs.filter((v) => /^(GLIBCXX|CXXABI)_/.test(v));
    const gcc = readElfFile(ccFile("libgcc_s.so.1")).versionDefs.filter((v) => /^GCC_/.test(v));
    const p36 = x86("manylinux_2_36");
    for (const v of [...cxx, ...gcc]) expect([v, versionVerdict(p36, v)]).toEqual([v, "allowed"]);
    expect(cxx).toContain("GLIBCXX_3.4.30");
    expect(versionVerdict(x86("manylinux_2_35"), "GLIBCXX_3.4.30")).toBe("denied");
    expect(versionVerdict(x86("manylinux_2_35"), "GLIBCXX_3.4.29")).toBe("allowed");
    expect(versionVerdict(x86("manylinux_2_35"), "GCC_12.0.0")).toBe("denied");
  });

  it("the PEP numbers", () => {
    const p5 = x86("manylinux1");
    const p12 = x86("manylinux2010");
    const p17 = x86("manylinux2014");
    expect(versionVerdict(p5, "GLIBC_2.5")).toBe("allowed");
    expect(versionVerdict(p5, "GLIBC_2.6")).toBe("denied");
    expect(versionVerdict(p5, "GLIBCXX_3.4.8")).toBe("allowed");
    expect(versionVerdict(p5, "GLIBCXX_3.4.9")).toBe("denied");
    expect(versionVerdict(p5, "CXXABI_1.3.1")).toBe("allowed");
    expect(versionVerdict(p5, "GCC_4.2.0")).toBe("allowed");
    expect(versionVerdict(p5, "GCC_4.3.0")).toBe("denied");
    expect(versionVerdict(p12, "GCC_4.5.0")).toBe("allowed");
    expect(versionVerdict(p12, "GLIBCXX_3.4.13")).toBe("allowed");
    expect(versionVerdict(p12, "GLIBCXX_3.4.14")).toBe("denied");
    expect(versionVerdict(p12, "CXXABI_1.3.3")).toBe("allowed");
    expect(versionVerdict(p12, "CXXABI_1.3.4")).toBe("denied");
    expect(versionVerdict(p17, "GLIBC_2.17")).toBe("allowed");
    expect(versionVerdict(p17, "GLIBC_2.18")).toBe("denied");
    expect(versionVerdict(p17, "GLIBCXX_3.4.19")).toBe("allowed");
    expect(versionVerdict(p17, "GLIBCXX_3.4.20")).toBe("denied");
    expect(versionVerdict(p17, "CXXABI_1.3.7")).toBe("allowed");
    expect(versionVerdict(p17, "CXXABI_TM_1")).toBe("allowed");
    expect(versionVerdict(p12, "CXXABI_TM_1")).toBe("denied");
    expect(versionVerdict(p17, "GCC_4.8.0")).toBe("allowed");
    expect(versionVerdict(p17, "GCC_4.9.0")).toBe("denied");
    // ppc64le's long-double variants count in their namespace
    expect(versionVerdict(findPolicy("manylinux2014", "ppc64le")!, "GLIBCXX_LDBL_3.4.10")).toBe("allowed");
    expect(versionVerdict(findPolicy("manylinux2014", "ppc64le")!, "CXXABI_LDBL_1.3.8")).toBe("denied");
    // CentOS 7 aarch64's glibc exports GLIBC_2.18
    expect(versionVerdict(findPolicy("manylinux2014", "aarch64")!, "GLIBC_2.18")).toBe("allowed");
    expect(versionVerdict(findPolicy("manylinux2014", "aarch64")!, "GLIBC_2.19")).toBe("denied");
    // namespaces no policy limits
    expect(versionVerdict(p5, "ZLIB_1.2.9")).toBe("ungoverned");
    expect(versionVerdict(findPolicy("musllinux_1_1", "x86_64")!, "GLIBC_2.34")).toBe("ungoverned");
  });

  it("the symbol-introduction table matches this machine's libc.so.6", () => {
    for (const [name, minor] of Object.entries(GLIBC_SYMBOL_INTRODUCED)) {
      if (minor > glibcMinor) continue;
      const versions = libc.symbols.filter((s) => s.defined && s.name === name).map((s) => s.version);
      expect([name, versions]).toEqual([name, [`GLIBC_2.${minor}`]]);
    }
  });
});
