/** The README in the order a newcomer needs it. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/env.js";

const readme = readFileSync(join(ROOT, "README.md"), "utf8");

describe("README", () => {
  it("explains offline machines before the first build command", () => {
    const offline = readme.indexOf("## Offline machines");
    const firstBuild = readme.search(/^(node bin\/)?pyts-build(\.js)? (wheel|sdist|develop)\b/m); // a command line, not the table
    expect(offline).toBeGreaterThan(0);
    expect(firstBuild).toBeGreaterThan(offline);
  });

  it("shows the sdist -> pip install recipe with the backend wheel on pip's find-links", () => {
    const recipe = readme.slice(readme.indexOf("## Install from an sdist with pip"));
    expect(recipe).toMatch(/pyts-build\.js sdist .*-o dist/);
    expect(recipe).toMatch(/pyts-build\.js backend-wheel -o dist/);
    expect(recipe).toMatch(/pip install --find-links dist dist\/word_count-0\.1\.0\.tar\.gz/);
  });
});
