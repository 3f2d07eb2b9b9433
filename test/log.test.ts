/** src/log.ts: colour only on a TTY and never with NO_COLOR; quiet/verbose levels. */
import { afterEach, describe, expect, it } from "vitest";
import { createLogger, useColor } from "../src/log.js";

function fakeStream(isTTY: boolean): NodeJS.WriteStream & { text: string } {
  const s = { isTTY, text: "", write(chunk: string) { s.text += chunk; return true; } };
  return s as unknown as NodeJS.WriteStream & { text: string };
}

const saved = { NO_COLOR: process.env.NO_COLOR, FORCE_COLOR: process.env.FORCE_COLOR };
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe("colour", () => {
  it("is on for a TTY, off for a pipe, and off with NO_COLOR even on a TTY", () => {
    delete process.env.NO_COLOR;
    delete process.env.FORCE_COLOR;
    expect(useColor(fakeStream(true))).toBe(true);
    expect(useColor(fakeStream(false))).toBe(false);
    process.env.NO_COLOR = "1";
    expect(useColor(fakeStream(true))).toBe(false);
  });

  it("progress lines carry ANSI escapes only when colour is on", () => {
    delete process.env.NO_COLOR;
    delete process.env.FORCE_COLOR;
    const tty = fakeStream(true);
    createLogger("normal", tty).step("Building");
    expect(tty.text).toMatch(/\x1b\[/);
    const pipe = fakeStream(false);
    createLogger("normal", pipe).step("Building");
    expect(pipe.text).toBe("==> Building\n");
  });
});

describe("verbosity", () => {
  it("quiet hides progress and results but not warnings; debug shows only when verbose", () => {
    const q = fakeStream(false);
    const lq = createLogger("quiet", q);
    lq.step("s");
    lq.info("i");
    lq.debug("d");
    lq.warn("w");
    expect(q.text).toBe("warning: w\n");
    const v = fakeStream(false);
    const lv = createLogger("verbose", v);
    lv.debug("detail");
    expect(v.text).toBe("detail\n");
    const n = fakeStream(false);
    createLogger("normal", n).debug("hidden");
    expect(n.text).toBe("");
  });
});
