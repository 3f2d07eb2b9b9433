import { describe, expect, it } from "vitest";
import { eggEntryPoints, eggInfoDir, eggInfoMembers, eggInfoTagNote, parseIni, requiresTxt, safeName, sdistSetupCfg } from "../../../src/build/sdist/egg-info.js";

describe("egg-info names", () => {
  it("safe_name turns runs of other characters into '-'; the folder uses '_'", () => {
    expect(safeName("word_count")).toBe("word-count");
    expect(safeName("Hello..World")).toBe("Hello..World");
    expect(eggInfoDir("word-count", undefined)).toBe("word_count.egg-info");
    expect(eggInfoDir("word_count", "src")).toBe("src/word_count.egg-info");
    expect(eggInfoDir("x", ".")).toBe("x.egg-info");
  });
});

describe("requiresTxt (setuptools' requires.txt)", () => {
  it("puts plain requirements first, then one section per extra / marker, sorted", () => {
    const text = requiresTxt(['attrs>=20', 'tomli; python_version < "3.11"', 'pytest; extra == "test"', 'mypy; (sys_platform == "linux") and extra == "dev"'], ["test", "dev", "docs"]);
    // every extra keeps its own section, even one whose requirements all moved to a marker section
    expect(text).toBe('attrs>=20\n\n[:python_version < "3.11"]\ntomli\n\n[dev]\n\n[dev:sys_platform == "linux"]\nmypy\n\n[docs]\n\n[test]\npytest\n');
  });

  it("is empty without requirements or extras (no requires.txt then)", () => {
    expect(requiresTxt([], [])).toBe("");
  });
});

describe("eggEntryPoints", () => {
  it("sorts groups and names, a blank line between groups", () => {
    expect(eggEntryPoints({ gui_scripts: { g: "p:g" }, console_scripts: { b: "p:b", a: "p:a" }, "a.plugins": { x: "p:x" }, empty: {} })).toBe(
      "[a.plugins]\nx = p:x\n\n[console_scripts]\na = p:a\nb = p:b\n\n[gui_scripts]\ng = p:g\n",
    );
  });
});

describe("eggInfoMembers", () => {
  const base = { name: "word_count", pkgInfo: "Metadata-Version: 2.4\nName: word_count\nVersion: 1.0\n", packages: ["word_count", "word_count.sub"], pyModules: ["helper"], requiresDist: [], providesExtra: [], entryPoints: {} };

  it("writes what egg_info's writers write for a project with nothing optional", () => {
    const m = eggInfoMembers(base);
    expect([...m.keys()]).toEqual(["word_count.egg-info/PKG-INFO", "word_count.egg-info/SOURCES.txt", "word_count.egg-info/dependency_links.txt", "word_count.egg-info/top_level.txt"]);
    expect(m.get("word_count.egg-info/PKG-INFO")).toBe("Metadata-Version: 2.4\nName: word-count\nVersion: 1.0\n");
    expect(m.get("word_count.egg-info/dependency_links.txt")).toBe("\n");
    expect(m.get("word_count.egg-info/top_level.txt")).toBe("helper\nword_count\n");
  });

  it("adds requires.txt, entry_points.txt and the zip-safe flag when there is something to say", () => {
    const m = eggInfoMembers({ ...base, requiresDist: ["attrs"], entryPoints: { console_scripts: { wc: "word_count:main" } }, zipSafe: false });
    expect(m.get("word_count.egg-info/requires.txt")).toBe("attrs\n");
    expect(m.get("word_count.egg-info/entry_points.txt")).toBe("[console_scripts]\nwc = word_count:main\n");
    expect(m.get("word_count.egg-info/not-zip-safe")).toBe("\n");
  });
});

describe("sdistSetupCfg", () => {
  it("is [egg_info] alone for a project without setup.cfg", () => {
    expect(sdistSetupCfg(undefined)).toBe("[egg_info]\ntag_build = \ntag_date = 0\n\n");
  });

  it("writes the project's setup.cfg again as configparser does, with [egg_info] set", () => {
    const text = "# comment\n[metadata]\nname = demo\nclassifiers =\n    A\n    B\n\n[egg_info]\ntag_build = .dev\nfoo: bar\n";
    expect(sdistSetupCfg(text)).toBe("[metadata]\nname = demo\nclassifiers = \n\tA\n\tB\n\n[egg_info]\ntag_build = \nfoo = bar\ntag_date = 0\n\n");
  });

  it("parseIni keeps keys as written and joins continuation lines", () => {
    expect(parseIni("[options]\nInstall_Requires =\n  a\n  b\n")).toEqual(new Map([["options", new Map([["Install_Requires", "\na\nb"]])]]));
  });
});

describe("eggInfoTagNote", () => {
  it("names a version tag setuptools would apply and pyts-build does not", () => {
    expect(eggInfoTagNote("[egg_info]\ntag_build = .dev\n", "p/setup.cfg")).toBe(
      "p/setup.cfg: [egg_info] tag_build = .dev is not applied by pyts-build (setuptools would add it to the version); the sdist's setup.cfg clears it so the version stays the configured one",
    );
    expect(eggInfoTagNote("[egg_info]\ntag_date = 1\n", "s")).toMatch(/tag_date = 1 is not applied/);
  });

  it("is quiet for an sdist's own setup.cfg and for none", () => {
    expect(eggInfoTagNote("[egg_info]\ntag_build = \ntag_date = 0\n", "s")).toBeUndefined();
    expect(eggInfoTagNote(undefined, "s")).toBeUndefined();
  });
});
