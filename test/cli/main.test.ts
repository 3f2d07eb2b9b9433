/**
 * The CLI shell (src/cli/main.ts) through the real executable: --version,
 * --help with examples, one-line errors with a hint and no stack trace unless
 * --verbose, and colour only on a terminal (a real pty via util-linux `script`).
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { CLI, freshDir, ROOT, testEnv } from "../helpers/env.js";

const missing = join(freshDir("cli-main"), "nowhere/Cargo.toml");

/** Run the CLI on a pseudo-terminal; returns what the terminal showed. */
function onTty(args: string[], env: Record<string, string | undefined>): string {
  const cmd = [process.execPath, CLI, ...args].map((a) => `'${a}'`).join(" ");
  const r = spawnSync("script", ["-qec", cmd, "/dev/null"], { env: testEnv({ NO_COLOR: undefined, FORCE_COLOR: undefined, ...env }), encoding: "utf8" });
  return r.stdout;
}

describe("pyts-build (the CLI shell)", () => {
  it("--version prints the package version", () => {
    const r = runCli(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version);
  });

  it("--help lists the commands and shows examples", () => {
    const r = runCli(["--help"]);
    expect(r.code).toBe(0);
    for (const c of ["wheel", "sdist", "develop", "audit", "repair", "manylinux", "backend-wheel", "standalone"]) expect(r.stdout).toContain(c);
    expect(r.stdout).toContain("Examples:");
  });

  it("an unknown command or flag is a usage error with a non-zero exit", () => {
    expect(runCli(["frobnicate"]).code).not.toBe(0);
    const r = runCli(["wheel", "--no-such-flag"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/unknown option '--no-such-flag'/);
  });

  it("a user error: `error:` line and `hint:` line, exit 1, no stack trace; --verbose adds the stack", () => {
    const r = runCli(["wheel", "-m", missing]);
    expect(r.code).toBe(1);
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^error: .*nowhere\/Cargo\.toml/);
    expect(lines[1]).toMatch(/^ {2}hint: /);
    expect(r.stderr).not.toMatch(/\n\s+at .*\.[mc]?js:\d+/);
    const v = runCli(["-v", "wheel", "-m", missing]);
    expect(v.code).toBe(1);
    expect(v.stderr).toMatch(/\n\s+at .*\.[mc]?js:\d+/);
    const sub = runCli(["wheel", "-v", "-m", missing]); // the global flag after the command counts too
    expect(sub.stderr).toMatch(/\n\s+at .*\.[mc]?js:\d+/);
    const rustc = runCli(["wheel", "-m", missing, "--", "-v"]); // after --, -v is rustc's, not ours
    expect(rustc.code).toBe(1);
    expect(rustc.stderr).not.toMatch(/\n\s+at .*\.[mc]?js:\d+/);
  });

  it("colour on a terminal, none with NO_COLOR, none into a pipe", () => {
    expect(onTty(["wheel", "-m", missing], {})).toMatch(/\x1b\[[0-9;]*merror:/);
    const plain = onTty(["wheel", "-m", missing], { NO_COLOR: "1" });
    expect(plain).toMatch(/error: /);
    expect(plain).not.toMatch(/\x1b\[/);
    expect(runCli(["wheel", "-m", missing], { env: { NO_COLOR: undefined } }).stderr).not.toMatch(/\x1b\[/);
  });
});
