/** Run the real CLI (bin/pyts-build.js, compiled dist) as a child process. */
import { spawnSync } from "node:child_process";
import { CLI, testEnv } from "./env.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], opts: { cwd?: string; env?: Record<string, string | undefined>; input?: string } = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: opts.cwd,
    env: testEnv(opts.env),
    encoding: "utf8",
    input: opts.input,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Run and expect success; throws with both streams otherwise. */
export function runCliOk(args: string[], opts: Parameters<typeof runCli>[1] = {}): CliResult {
  const r = runCli(args, opts);
  if (r.code !== 0) {
    throw new Error(`pyts-build ${args.join(" ")} exited ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
  }
  return r;
}
