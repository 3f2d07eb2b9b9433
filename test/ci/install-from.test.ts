import { describe, expect, it } from "vitest";
import { describeInstallSource, parseInstallFrom } from "../../src/ci/install-from.js";

describe("parseInstallFrom", () => {
  it("npm specs: a name with a version, range or tag, scoped names", () => {
    expect(parseInstallFrom("pyts-build@0.2.0")).toEqual({ kind: "npm", spec: "pyts-build@0.2.0" });
    expect(parseInstallFrom("pyts-build")).toEqual({ kind: "npm", spec: "pyts-build" });
    expect(parseInstallFrom("@me/pyts-build@^0.2")).toEqual({ kind: "npm", spec: "@me/pyts-build@^0.2" });
  });

  it("tarball URLs (what npm pack makes, e.g. a release asset)", () => {
    const url = "https://github.com/o/pyts-build/releases/download/v0.1.0/pyts-build-0.1.0.tgz";
    expect(parseInstallFrom(url)).toEqual({ kind: "tarball", url });
    expect(parseInstallFrom("https://example.org/x.tar.gz?token=1")).toEqual({ kind: "tarball", url: "https://example.org/x.tar.gz?token=1" });
  });

  it("git URLs with an optional #ref, in npm's spellings, as git clone takes them", () => {
    expect(parseInstallFrom("git+https://github.com/o/pyts-build.git#v0.1.0")).toEqual({ kind: "git", url: "https://github.com/o/pyts-build.git", ref: "v0.1.0" });
    expect(parseInstallFrom("git+ssh://git@github.com/o/pyts-build.git")).toEqual({ kind: "git", url: "ssh://git@github.com/o/pyts-build.git" });
    expect(parseInstallFrom("https://gitlab.com/o/pyts-build.git")).toEqual({ kind: "git", url: "https://gitlab.com/o/pyts-build.git" });
    expect(parseInstallFrom("github:o/pyts-build#main")).toEqual({ kind: "git", url: "https://github.com/o/pyts-build.git", ref: "main" });
    expect(describeInstallSource(parseInstallFrom("github:o/pyts-build#main"))).toBe("https://github.com/o/pyts-build.git at main (cloned, built and packed in each job)");
  });

  it("anything else is a ConfigError naming the accepted forms", () => {
    for (const [bad, why] of [
      ["pyts build", "has characters a workflow cannot carry safely"],
      ['x"y', "has characters a workflow cannot carry safely"],
      ["$(id)", "has characters a workflow cannot carry safely"],
      ["pyts-build@0.1.0#main", "has a #ref, which only a git URL takes"],
      ["git+https://x/y.git#", "has a bad #ref part"],
      ["https://example.org/pyts-build", "is not a URL npm or git can install from"],
      ["ftp://example.org/x.tgz", "is not a URL npm or git can install from"],
      ["Pyts_Build", "is not an npm package spec, a tarball URL or a git URL"],
      ["pyts-build@", "is not an npm package spec, a tarball URL or a git URL"],
    ] as const) {
      expect(() => parseInstallFrom(bad), bad).toThrow(`--install-from "${bad}" ${why}`);
    }
  });
});
