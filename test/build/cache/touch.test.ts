import { describe, expect, it } from "vitest";
import { statSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { touchTree } from "../../../src/build/cache/touch.js";
import { freshDir } from "../../helpers/env.js";
import { writeTree } from "../sdist/sdist-fixtures.js";

describe("touchTree", () => {
  it("gives every file below the folder the given time", () => {
    const dir = freshDir("touch");
    writeTree(dir, { "a.rs": "", "deep/er/b.rs": "" });
    const old = new Date(315532800 * 1000);
    for (const f of ["a.rs", "deep/er/b.rs"]) utimesSync(join(dir, f), old, old);
    const now = new Date(1_800_000_000 * 1000);
    touchTree(dir, now);
    for (const f of ["a.rs", "deep/er/b.rs"]) expect(statSync(join(dir, f)).mtimeMs).toBe(now.getTime());
  });
});
