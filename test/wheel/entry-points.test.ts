import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/errors.js";
import { renderEntryPoints } from "../../src/wheel/entry-points.js";

describe("renderEntryPoints", () => {
  it("orders scripts first, then other groups, entries sorted", () => {
    expect(
      renderEntryPoints({
        "spam.magical": { tomatoes: "spam:main_tomatoes", apples: "spam.plugins" },
        gui_scripts: { "spam-gui": "spam:main_gui" },
        console_scripts: { "spam-cli": "spam.cli:main", aaa: " spam : App.run " },
        empty: {},
      }),
    ).toBe(
      "[console_scripts]\naaa = spam:App.run\nspam-cli = spam.cli:main\n\n" +
        "[gui_scripts]\nspam-gui = spam:main_gui\n\n" +
        "[spam.magical]\napples = spam.plugins\ntomatoes = spam:main_tomatoes\n",
    );
    expect(renderEntryPoints({})).toBe("");
  });
  it("is read the same by Python's importlib.metadata", async () => {
    const { execFileSync } = await import("node:child_process");
    const text = renderEntryPoints({ console_scripts: { a: "m.n:f" }, "x.y": { p: "q" } });
    const out = execFileSync(
      "/usr/bin/python3",
      ["-c", "import sys,json; from importlib.metadata import EntryPoints; import configparser as c; p=c.ConfigParser(delimiters='='); p.optionxform=str; p.read_string(sys.stdin.read()); print(json.dumps({s: dict(p[s]) for s in p.sections()}))"],
      { input: text, encoding: "utf8" },
    );
    expect(JSON.parse(out)).toEqual({ console_scripts: { a: "m.n:f" }, "x.y": { p: "q" } });
  });
  it.each([
    [{ console_scripts: { x: "pkg.mod" } }, /names no function/],
    [{ console_scripts: { x: "pkg-mod:f" } }, /dotted module name/],
    [{ console_scripts: { x: "pkg:f:g" } }, /more than one ':'/],
    [{ console_scripts: { x: "pkg:1f" } }, /not a dotted Python name/],
    [{ console_scripts: { x: "pkg:f [extra]" } }, /not a dotted Python name/],
    [{ console_scripts: { "a b": "pkg:f" } }, /may only contain/],
    [{ console_scripts: { "a/b": "pkg:f" } }, /may only contain/],
    [{ console_scripts: { "a=b": "pkg:f" } }, /may only contain/],
    [{ "bad group": { a: "pkg:f" } }, /not a valid group name/],
  ])("rejects %j", (groups, why) => {
    expect(() => renderEntryPoints(groups)).toThrow(ValidationError);
    expect(() => renderEntryPoints(groups)).toThrow(why);
  });
});
