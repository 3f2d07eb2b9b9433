import { appendFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stampAll } from "../../../src/build/cache/input-stamps.js";
import { recallAnswer, rememberAnswer, rememberedFile } from "../../../src/build/cache/remembered.js";
import { freshDir } from "../../helpers/env.js";

const isNumber = (a: { n: unknown }) => typeof a.n === "number";

describe("remembered answers", () => {
  it("names a file by its key, gives the answer back while its stamps match, none after a change", () => {
    const d = freshDir("remembered");
    const input = join(d, "input.txt");
    writeFileSync(input, "one\n");
    const file = rememberedFile(join(d, "cache"), ["k", 1]);
    expect(rememberedFile(join(d, "cache"), ["k", 1])).toBe(file);
    expect(rememberedFile(join(d, "cache"), ["k", 2])).not.toBe(file);
    expect(recallAnswer(file, isNumber)).toBeUndefined();
    rememberAnswer(file, stampAll([input, join(d, "absent")]), { n: 42 });
    expect(readdirSync(join(d, "cache"))).toEqual([file.slice(join(d, "cache").length + 1)]);
    expect(recallAnswer(file, isNumber)).toEqual({ n: 42 });
    writeFileSync(join(d, "absent"), "now present\n");
    expect(recallAnswer(file, isNumber)).toBeUndefined();
  });

  it("a malformed or foreign cache file is no answer", () => {
    const d = freshDir("remembered");
    const file = rememberedFile(d, "k");
    writeFileSync(file, "{not json");
    expect(recallAnswer(file, isNumber)).toBeUndefined();
    rememberAnswer(file, {}, { n: "not a number" });
    expect(recallAnswer(file, isNumber)).toBeUndefined();
    appendFileSync(file, "trailing");
    expect(recallAnswer(file, () => true)).toBeUndefined();
  });
});
