/**
 * Library resolution against the real dynamic loader: small programs and
 * libraries built with cc, run under different RPATH / RUNPATH /
 * LD_LIBRARY_PATH set-ups; whatever ld.so picks, resolveLibrary must pick too.
 * ld.so.conf parsing against a made-up tree and against ldconfig on this machine.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, realpathSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readElfFile } from "../../../src/manylinux/audit/elf.js";
import { expandGlob, expandOrigin, type Loader, readLdSoConf, resolveLibrary, type SearchContext } from "../../../src/manylinux/audit/ld-paths.js";
import { freshDir } from "../../helpers/env.js";
import { buildCLib } from "../helpers/build.js";

const loader = (file: string): Loader => ({ file, elf: readElfFile(file) });

describe("resolveLibrary agrees with ld.so", () => {
  let root: string;
  beforeAll(() => {
    root = freshDir("ldpaths");
    buildCLib(join(root, "a"), "libdup.so", "int which(void) { return 1; }\n", ["-Wl,-soname,libdup.so"]);
    buildCLib(join(root, "b"), "libdup.so", "int which(void) { return 2; }\n", ["-Wl,-soname,libdup.so"]);
    // a 32-bit library of the same name: ld.so skips it for a 64-bit requester
    buildCLib(join(root, "c32"), "libdup.so", "int which(void) { return 3; }\n", ["-m32", "-nostdlib", "-Wl,-soname,libdup.so"]);
  });

  /** libreq.so (needs libdup.so, with `flags` for its run path) in `dir`, and a program using it with `mainFlags`. */
  function setup(name: string, reqFlags: string[], mainFlags: string[]): { main: string; req: string; dir: string } {
    const dir = join(root, name);
    const req = buildCLib(dir + "/lib", "libreq.so", "int which(void);\nint req(void) { return which(); }\n", [`-L${root}/a`, "-ldup", ...reqFlags]);
    mkdirSync(dir + "/bin", { recursive: true });
    writeFileSync(join(dir, "main.c"), '#include <stdio.h>\nint req(void);\nint main(void) { printf("%d\\n", req()); return 0; }\n');
    const main = join(dir, "bin/main");
    execFileSync("cc", ["-o", main, join(dir, "main.c"), `-L${dir}/lib`, "-lreq", ...mainFlags]);
    return { main, req, dir };
  }

  /** What ld.so loads: `1`/`2` from libdup's which(), or undefined when loading fails. */
  function run(main: string, ldLibraryPath?: string): string | undefined {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH };
    if (ldLibraryPath) env.LD_LIBRARY_PATH = ldLibraryPath;
    const r = spawnSync(main, [], { env, encoding: "utf8" });
    return r.status === 0 ? r.stdout.trim() : undefined;
  }

  const ctx = (ldLibraryPath: string[] = []): SearchContext => ({ ldLibraryPath, confDirs: [], defaultDirs: [] });
  const which = (path: string | undefined): string | undefined => (path === undefined ? undefined : realpathSync(path).includes("/a/") ? "1" : realpathSync(path).includes("/b/") ? "2" : "?");

  it("DT_RPATH comes before LD_LIBRARY_PATH, and wrong-class candidates are skipped", () => {
    const s = setup("rpath", ["-Wl,--disable-new-dtags", `-Wl,-rpath,${root}/c32:${root}/a`], ["-Wl,--disable-new-dtags", `-Wl,-rpath,${"$ORIGIN/../lib"}`]);
    expect(run(s.main, `${root}/b`)).toBe("1");
    const r = resolveLibrary("libdup.so", loader(s.req), [loader(s.main)], ctx([`${root}/b`]));
    expect(r?.via).toBe("rpath");
    expect(which(r?.path)).toBe("1");
  });

  it("DT_RUNPATH comes after LD_LIBRARY_PATH", () => {
    const s = setup("runpath", ["-Wl,--enable-new-dtags", `-Wl,-rpath,${root}/a`], ["-Wl,--enable-new-dtags", "-Wl,-rpath,$ORIGIN/../lib"]);
    expect(run(s.main, `${root}/b`)).toBe("2");
    expect(run(s.main)).toBe("1");
    const r = resolveLibrary("libdup.so", loader(s.req), [loader(s.main)], ctx([`${root}/b`]));
    expect(r?.via).toBe("LD_LIBRARY_PATH");
    expect(which(r?.path)).toBe("2");
    expect(which(resolveLibrary("libdup.so", loader(s.req), [loader(s.main)], ctx())?.path)).toBe("1");
  });

  it("$ORIGIN expands to the requester's folder", () => {
    const s = setup("origin", ["-Wl,--enable-new-dtags", "-Wl,-rpath,$ORIGIN/../../b"], ["-Wl,-rpath,$ORIGIN/../lib"]);
    expect(run(s.main)).toBe("2");
    const r = resolveLibrary("libdup.so", loader(s.req), [loader(s.main)], ctx());
    expect(r?.via).toBe("runpath");
    expect(which(r?.path)).toBe("2");
    expect(expandOrigin("$ORIGIN/../x:${ORIGIN}", "/w/pkg/m.so")).toBe("/w/pkg/../x:/w/pkg");
    expect(expandOrigin("$ORIGINAL/x", "/w/m.so")).toBe("$ORIGINAL/x");
  });

  it("a loader's DT_RPATH serves its libraries' needs; its DT_RUNPATH does not", () => {
    const inherit = setup("inherit", [], ["-Wl,--disable-new-dtags", `-Wl,-rpath,$ORIGIN/../lib:${root}/b`]);
    expect(run(inherit.main)).toBe("2");
    const r = resolveLibrary("libdup.so", loader(inherit.req), [loader(inherit.main)], ctx());
    expect(r?.via).toBe("rpath");
    expect(which(r?.path)).toBe("2");

    const cut = setup("cut", [], ["-Wl,--enable-new-dtags", `-Wl,-rpath,$ORIGIN/../lib:${root}/b`]);
    expect(run(cut.main)).toBeUndefined();
    expect(resolveLibrary("libdup.so", loader(cut.req), [loader(cut.main)], ctx())).toBeUndefined();
  });

  it("system folders: libc.so.6 resolves through this machine's ld.so.conf like ldconfig finds it", () => {
    const self = loader(execFileSync("cc", ["-print-file-name=libc.so.6"], { encoding: "utf8" }).trim());
    const r = resolveLibrary("libc.so.6", self, [], { ldLibraryPath: [], confDirs: readLdSoConf(), defaultDirs: ["/lib64", "/usr/lib64", "/lib", "/usr/lib"] });
    const cache = execFileSync("ldconfig", ["-p"], { encoding: "utf8" });
    const fromCache = /libc\.so\.6 \(libc6,x86-64\) => (\S+)/.exec(cache)?.[1];
    expect(r).toBeDefined();
    expect(realpathSync(r!.path)).toBe(realpathSync(fromCache!));
  });
});

describe("ld.so.conf", () => {
  it("includes (relative and absolute globs), comments, hwcap lines, the old dir=type form, include loops", () => {
    const root = freshDir("ldconf");
    const w = (p: string, text: string) => {
      mkdirSync(join(root, p, ".."), { recursive: true });
      writeFileSync(join(root, p), text);
    };
    w("etc/ld.so.conf", "# top\n/opt/first\ninclude ld.so.conf.d/*.conf\ninclude /etc/extra.conf\n/opt/last # trailing comment\n");
    w("etc/ld.so.conf.d/b.conf", "/opt/b1\n/opt/b2\n");
    w("etc/ld.so.conf.d/a.conf", "hwcap 1 nosegneg\n/opt/a=libc6\n");
    w("etc/ld.so.conf.d/not-matched.txt", "/opt/never\n");
    w("etc/extra.conf", "/opt/extra\ninclude /etc/ld.so.conf\n");
    expect(readLdSoConf("/etc/ld.so.conf", root)).toEqual(["/opt/first", "/opt/a", "/opt/b1", "/opt/b2", "/opt/extra", "/opt/last"]);
    expect(readLdSoConf("/etc/missing.conf", root)).toEqual([]);
  });

  it("this machine's /etc/ld.so.conf names the folders ldconfig scans", () => {
    const ours = readLdSoConf();
    // ldconfig -v lists each folder it scans once (symlinked twins merged), with the file that named it
    const out = spawnSync("ldconfig", ["-N", "-X", "-v"], { encoding: "utf8" }).stdout;
    const theirs = [...out.matchAll(/^(\/\S+): \(from \/etc\/[^)]*\)/gm)].map((m) => realpathSync(m[1]!));
    const seen = new Set<string>();
    const mine = ours.filter((d) => existsSync(d)).map((d) => realpathSync(d)).filter((d) => !seen.has(d) && (seen.add(d), true));
    expect(mine).toEqual(theirs);
  });

  it("expandGlob sorts and skips hidden names", () => {
    const root = freshDir("glob");
    for (const n of ["b.conf", "a.conf", ".hidden.conf", "c.txt"]) writeFileSync(join(root, n), "");
    expect(expandGlob(join(root, "*.conf")).map((p) => p.slice(root.length + 1))).toEqual(["a.conf", "b.conf"]);
    expect(expandGlob(join(root, "[ab].conf")).length).toBe(2);
    expect(expandGlob(join(root, "nothing-*"))).toEqual([]);
  });
});
