/**
 * `pyts-build manylinux` interrupted (src/cleanup.ts): SIGTERM to the node
 * process alone while cargo runs inside the build container (a build script
 * that sleeps) must remove the container, leave no engine client running and
 * nothing in the output folder, and end by the signal.
 */
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLI, freshDir, ROOT, testEnv } from "../../helpers/env.js";
import { requireContainers, skipContainers } from "../helpers/containers.js";

/** Files below `dir` named `name` (recursive, tolerant of folders that vanish meanwhile). */
function findNamed(dir: string, name: string): string[] {
  try {
    return (readdirSync(dir, { recursive: true }) as string[]).filter((p) => p.endsWith(name));
  } catch {
    return [];
  }
}

describe.skipIf(skipContainers())("pyts-build manylinux, interrupted", () => {
  it("SIGTERM during the container build removes the container and stops the engine clients", async () => {
    const setup = requireContainers();
    const project = join(freshDir("ml-interrupt"), "sleepy");
    cpSync(join(ROOT, "test/fixtures/ffi-min"), project, { recursive: true });
    // the project is mounted read-only in the container; the target (cache) folder is writable and on the host
    writeFileSync(
      join(project, "build.rs"),
      `fn main() {
    let out = std::env::var("OUT_DIR").unwrap();
    std::fs::write(format!("{}/pyts-sleep-marker", out), "").unwrap();
    std::thread::sleep(std::time::Duration::from_secs(300));
}
`,
    );
    const out = join(project, "..", "out");
    const env = testEnv(setup.env);
    const child = spawn(process.execPath, [CLI, "manylinux", "--python", "3.9", "--image", setup.image, "--engine", "podman", "-o", out], {
      cwd: project,
      env,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
    let done = false;
    void ended.then(() => (done = true));
    const until = Date.now() + 240_000;
    while (findNamed(join(project, "target"), "pyts-sleep-marker").length === 0) {
      if (done) throw new Error(`the CLI ended before the build script ran:\n${stderr}`);
      if (Date.now() > until) throw new Error(`the build script never ran:\n${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill("SIGTERM");
    const e = await ended;
    expect(e.signal, stderr).toBe("SIGTERM");
    expect(stderr).toContain("interrupted by SIGTERM; temporary files removed");
    const ps = spawnSync("podman", ["ps", "-a", "--filter", "label=org.pyts-build.role=build", "--format", "{{.Mounts}}"], { env, encoding: "utf8" });
    expect(ps.status).toBe(0);
    expect(ps.stdout).not.toContain(project);
    // no engine client of this build left on the host
    const clients = spawnSync("pgrep", ["-af", "podman exec"], { encoding: "utf8" }).stdout;
    expect(clients).not.toContain(project);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  }, 300_000);
});
