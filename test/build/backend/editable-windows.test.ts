/**
 * `develop` / editable installs put the rebuilt extension into the source tree over the old one. On
 * Windows a `.pyd` that a running Python has loaded cannot be replaced or deleted, only renamed. That
 * host is SIMULATED here (this machine is Linux, whose rename replaces a loaded library freely): an
 * in-memory file system with Windows' rules for loaded images stands in for NTFS.
 */
import { win32 } from "node:path";
import { describe, expect, it } from "vitest";
import { type ReplaceOps, replaceFile } from "../../../src/build/backend/editable.js";

/** Windows' rules: a loaded file cannot be the target of a rename nor be deleted; it can be renamed (and stays loaded). */
function windowsFs(): { ops: ReplaceOps; files: Map<string, string>; loaded: Set<string> } {
  const files = new Map<string, string>();
  const loaded = new Set<string>();
  const fail = (code: string) => Object.assign(new Error(`${code}: simulated`), { code });
  const ops: ReplaceOps = {
    copyFileSync: (from, to) => void files.set(to, files.get(from) ?? ""),
    writeFileSync: (to, data) => void files.set(to, String(data)),
    renameSync: (from, to) => {
      if (!files.has(from)) throw fail("ENOENT");
      if (loaded.has(to)) throw fail("EPERM");
      files.set(to, files.get(from) as string);
      files.delete(from);
      if (loaded.delete(from)) loaded.add(to);
    },
    unlinkSync: (p) => {
      if (loaded.has(p)) throw fail("EPERM");
      files.delete(p);
    },
    readdirSync: (d) => [...files.keys()].filter((k) => win32.dirname(k) === d).map((k) => win32.basename(k)),
  };
  return { ops, files, loaded };
}

const PYD = "C:\\proj\\python\\pkg\\_native.cp312-win_amd64.pyd";

describe("replacing a loaded extension (simulated Windows)", () => {
  it("the loaded one is moved aside, the new one takes its name, the old one goes once nothing holds it", () => {
    const { ops, files, loaded } = windowsFs();
    files.set("C:\\build\\new1.dll", "v1");
    replaceFile("C:\\build\\new1.dll", PYD, { platform: "win32", ops });
    expect(files.get(PYD)).toBe("v1");
    loaded.add(PYD); // a Python process imports it

    files.set("C:\\build\\new2.dll", "v2");
    replaceFile("C:\\build\\new2.dll", PYD, { platform: "win32", ops });
    expect(files.get(PYD)).toBe("v2");
    const aside = [...files.keys()].filter((k) => k.endsWith(".old"));
    expect(aside).toHaveLength(1); // still loaded: kept for now
    expect(win32.basename(aside[0] as string)).toMatch(/^\._native\.cp312-win_amd64\.pyd\..+\.old$/);
    expect([...files.keys()].filter((k) => k.endsWith(".tmp"))).toEqual([]);

    loaded.clear(); // that Python has ended
    replaceFile({ bytes: "v3" }, PYD, { platform: "win32", ops });
    expect(files.get(PYD)).toBe("v3");
    expect([...files.keys()].filter((k) => k.endsWith(".old"))).toEqual([]);
  });

  it("without the Windows path the same replace fails: what develop did on Windows before", () => {
    const { ops, files, loaded } = windowsFs();
    files.set(PYD, "v1");
    loaded.add(PYD);
    expect(() => replaceFile({ bytes: "v2" }, PYD, { platform: "linux", ops })).toThrow(/EPERM/);
    expect([...files.keys()]).toEqual([PYD]); // the temporary copy is removed again
  });
});
