/** src/output-dir.ts: errno errors in plain words, and the output folder check. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { OutputError } from "../src/errors.js";
import { asOutputError, checkOutputDir } from "../src/output-dir.js";
import { freshDir } from "./helpers/env.js";

const errno = (code: string, syscall: string, path?: string) => Object.assign(new Error(`${code}: raw`), { code, syscall, ...(path ? { path } : {}) });

describe("asOutputError", () => {
  it("words the errno errors of outputs, naming the path a writer gives", () => {
    const e = asOutputError(errno("ENOSPC", "write"), "/out/x.whl");
    expect(e).toBeInstanceOf(OutputError);
    expect((e as OutputError).message).toBe("cannot write /out/x.whl: no space left on the device");
    expect((asOutputError(errno("EROFS", "mkdir", "/ro/w")) as Error).message).toBe("cannot write /ro/w: read-only file system");
    expect((asOutputError(errno("EEXIST", "mkdir", "/a")) as Error).message).toBe("cannot write /a: a file is in the way");
  });
  it("says read or open where the failing call was not a write", () => {
    expect((asOutputError(errno("EACCES", "scandir", "/secret")) as Error).message).toBe("cannot read /secret: permission denied");
    expect((asOutputError(errno("EACCES", "open", "/secret/f")) as Error).message).toBe("cannot open /secret/f: permission denied");
  });
  it("leaves other errors alone", () => {
    const other = errno("ENOENT", "open", "/x");
    expect(asOutputError(other)).toBe(other);
    const plain = new TypeError("bug");
    expect(asOutputError(plain)).toBe(plain);
  });
});

describe("checkOutputDir", () => {
  it("makes a missing folder, refuses a file and a path below a file", async () => {
    const d = freshDir("outdir");
    await checkOutputDir(join(d, "a/b"));
    writeFileSync(join(d, "f"), "");
    await expect(checkOutputDir(join(d, "f"))).rejects.toThrow(/^cannot write .*\/f: it is a file, not a folder$/);
    await expect(checkOutputDir(join(d, "f/sub"))).rejects.toThrow(/^cannot write .*\/f\/sub: a part of the path is a file, not a folder$/);
    mkdirSync(join(d, "ok"));
    await checkOutputDir(join(d, "ok"));
  });
});
