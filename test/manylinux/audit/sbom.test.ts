import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { graftedLibrariesSbom, osReleaseId, packagePurl, pathSpellings, pythonJsonDumps, quoteAll, whichProvides } from "../../../src/manylinux/audit/sbom.js";

const BZ2 = { type: "deb", name: "libbz2-1.0", version: "1.0.8-5+b1", distro: "debian" };

describe("auditwheel's SBOM of grafted libraries", () => {
  it("purls quoted as Python's quote(safe=''), the os-release ID, both spellings of a merged-/usr path", () => {
    expect(quoteAll("1:1.2.13.dfsg-1~x")).toBe("1%3A1.2.13.dfsg-1~x");
    expect(packagePurl(BZ2)).toBe("pkg:deb/debian/libbz2-1.0@1.0.8-5%2Bb1");
    expect(osReleaseId('NAME="Debian"\nID=debian\n')).toBe("debian");
    expect(osReleaseId('ID="almalinux"\n')).toBe("almalinux");
    expect(osReleaseId("NAME=x\n")).toBeUndefined();
    expect(pathSpellings("/usr/lib/x86_64-linux-gnu/libz.so.1")).toEqual(["/usr/lib/x86_64-linux-gnu/libz.so.1", "/lib/x86_64-linux-gnu/libz.so.1"]);
    expect(pathSpellings("/lib64/libz.so.1")).toEqual(["/lib64/libz.so.1", "/usr/lib64/libz.so.1"]);
    expect(pathSpellings("/opt/x/libz.so.1")).toEqual(["/opt/x/libz.so.1"]);
  });

  it("the document: the wheel (with its file name) depending on one component per grafted file, written as json.dumps does", () => {
    const doc = graftedLibrariesSbom("sbom_demo-0.3.0-cp311-cp311-manylinux_2_17_x86_64.whl", [{ path: "/usr/lib/libbz2.so.1.0.4", by: BZ2 }], { name: "pyts-build", version: "9" });
    const wheel = "pkg:pypi/sbom_demo@0.3.0?file_name=sbom_demo-0.3.0-cp311-cp311-manylinux_2_17_x86_64.whl";
    expect(doc?.metadata).toEqual({ component: { type: "library", "bom-ref": wheel, name: "sbom_demo", version: "0.3.0", purl: wheel }, tools: [{ name: "pyts-build", version: "9" }] });
    const components = doc?.components as Array<Record<string, string>>;
    expect(components[1]).toMatchObject({ type: "library", name: "libbz2-1.0", version: "1.0.8-5+b1", purl: "pkg:deb/debian/libbz2-1.0@1.0.8-5%2Bb1" });
    expect(components[1]?.["bom-ref"]).toMatch(/^pkg:deb\/debian\/libbz2-1\.0@1\.0\.8-5%2Bb1#[0-9a-f]{64}$/);
    expect(graftedLibrariesSbom("x-1-py3-none-any.whl", [], { name: "t", version: "1" })).toBeUndefined();
    expect(pythonJsonDumps({ a: [1, "é"], b: { c: null } })).toBe('{"a": [1, "\\u00e9"], "b": {"c": null}}');
  });

  it.skipIf(!existsSync("/usr/bin/dpkg"))("whichProvides asks dpkg (a merged-/usr path found under its other spelling); unowned files are left out", async () => {
    const found = await whichProvides(["/usr/lib/x86_64-linux-gnu/libbz2.so.1.0", "/nonexistent/libx.so"]);
    expect(found.map((f) => [f.path, f.by.type, f.by.distro])).toEqual([["/usr/lib/x86_64-linux-gnu/libbz2.so.1.0", "deb", "debian"]]);
    expect(found[0]?.by.name).toMatch(/^libbz2/);
  });

  it("asks the system it is given (a container's package manager and os-release), not this machine", async () => {
    const asked: string[] = [];
    // a stand-in for an rpm-based image: dpkg is missing there, rpm answers for one file
    const ask = async (cmd: string, args: string[]) => {
      asked.push([cmd, ...args].join(" "));
      if (cmd === "rpm" && args[0] === "--version") return "RPM version 4.14.3\n";
      if (cmd === "rpm" && args.at(-1) === "/usr/lib64/libgfortran.so.5") return "libgfortran 8.5.0 18.el8 x86_64";
      return undefined;
    };
    const found = await whichProvides(["/usr/lib64/libgfortran.so.5", "/opt/own/libx.so"], { ask, osRelease: 'NAME="AlmaLinux"\nID="almalinux"\n' });
    expect(found).toEqual([{ path: "/usr/lib64/libgfortran.so.5", by: { type: "rpm", name: "libgfortran", version: "8.5.0-18.el8", distro: "almalinux" } }]);
    expect(asked[0]).toBe("dpkg --version");
    // no os-release ID: no SBOM entries, and no package manager is asked
    expect(await whichProvides(["/usr/lib64/libgfortran.so.5"], { ask, osRelease: "" })).toEqual([]);
  });
});
