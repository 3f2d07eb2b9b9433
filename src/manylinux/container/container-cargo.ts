/**
 * cargo inside the build container: the same command line the host build
 * uses (src/build/cargo/cargo.ts builds it), run with `exec`, its diagnostics and
 * progress streamed to the user, its JSON messages read for the artifacts.
 * Paths are the same inside and out (the project and the cache are mounted at
 * their host paths), so artifact paths need no translation.
 */
import { CargoError } from "../../errors.js";
import type { CargoRun } from "../../build/cargo/cargo.js";
import { type BuildScriptRun, type CargoArtifact, parseCargoLine } from "../../build/cargo/cargo-messages.js";
import type { ContainerSession } from "./session.js";

export interface ContainerCargoOptions {
  /** `cargo --config FILE` from vendoring: crates come from the vendor folder. */
  vendorConfig: string;
  /** The planned cargo environment (src/build/cargo/cargo-env.ts), CARGO_TARGET_DIR ... for this build: nothing else of the host's. */
  env: Record<string, string>;
  workdir: string;
  /** Where cargo's human output goes (default: this process's stderr). */
  stderr?: (chunk: string) => void;
}

/** Split a stream into lines across chunk boundaries. */
export function lineSplitter(onLine: (line: string) => void): { push(chunk: string): void; end(): void } {
  let rest = "";
  return {
    push(chunk) {
      rest += chunk;
      let nl: number;
      while ((nl = rest.indexOf("\n")) >= 0) {
        onLine(rest.slice(0, nl));
        rest = rest.slice(nl + 1);
      }
    },
    end() {
      if (rest !== "") onLine(rest);
      rest = "";
    },
  };
}

/** `cargo --config <vendor> <args>` in the container. Throws CargoError when cargo fails. */
export async function runCargoInContainer(session: ContainerSession, args: string[], o: ContainerCargoOptions): Promise<CargoRun> {
  const toUser = o.stderr ?? ((c: string) => void process.stderr.write(c));
  const artifacts: CargoArtifact[] = [];
  const buildScripts: BuildScriptRun[] = []; // OUT_DIRs for out-dir includes (paths are the host's: the cache is mounted at its host path)
  const lines = lineSplitter((line) => {
    const m = parseCargoLine(line);
    if (m === undefined) toUser(line + "\n"); // build-script output and the like: the user's to see
    else if (m.reason === "compiler-artifact") artifacts.push(m.artifact);
    else if (m.reason === "build-script-executed") buildScripts.push(m.script);
  });
  const r = await session.exec(["cargo", "--config", o.vendorConfig, ...args], {
    env: { CARGO_NET_OFFLINE: "true", ...o.env },
    workdir: o.workdir,
    onStdout: (c) => lines.push(c),
    onStderr: toUser,
  });
  lines.end();
  if (r.code === 127 || /exec: "cargo": executable file not found|cargo: not found|executable file `cargo` not found/.test(r.stderr)) {
    throw new CargoError(`cargo was not found inside the ${session.spec.image} container`, "use --rust host (mount the host's rustup toolchain, the default) or --rust rustup, or an image with cargo on PATH");
  }
  if (r.code !== 0) {
    throw new CargoError(`cargo failed inside the ${session.spec.image} container (exit code ${r.code})`, "see cargo's messages above; fix the crate, then build again");
  }
  return { artifacts, buildScripts };
}
