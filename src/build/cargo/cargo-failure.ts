/**
 * What kind of failure cargo had, read off the end of its stderr, so the hint
 * fits: a registry cargo cannot reach, or a crate missing from the local crate
 * source, is a machine's configuration to fix, not the crate. Pure.
 */
import { missingStdHint } from "../target/toolchain.js";
import { parseTriple } from "../target/triple.js";

export interface CargoFailure {
  kind: "network" | "missing-crate" | "offline-needs-download" | "missing-target" | "other";
  /** Words for the error line after "cargo failed ...: " (empty for "other"). */
  detail: string;
  hint: string;
  /** The hint for a build run by pip through the PEP 517 backend, where no flag can be passed. */
  backendHint: string;
}

const LOCAL_SOURCE =
  "give cargo a local crate source (`cargo vendor` and the [source] replacement it prints, " +
  "or a [source.crates-io] replace-with in $CARGO_HOME/config.toml, see the README's Offline machines)";
const OFFLINE_HOW = `to build without network, ${LOCAL_SOURCE} and pass --offline`;
// pip passes no flags to the backend, but the environment reaches cargo
const OFFLINE_HOW_BACKEND = `to build without network, ${LOCAL_SOURCE} and set CARGO_NET_OFFLINE=true where pip runs`;

const NETWORK = [
  /Could not resolve host(name)?/i,
  /Could not connect to server/i,
  /Couldn't connect to server/i,
  /failed to download from `[^`]+`/,
  /download of \S+ failed/,
  /spurious network error/,
  /failed to query replaced source registry/,
  /failed to update registry/,
  /SSL connect error|Connection timed out|Operation timed out|network failure/i,
];

/** Classify cargo's stderr (its tail is enough: cargo ends with the error and its causes). */
export function classifyCargoFailure(stderr: string, o: { rustup?: () => boolean } = {}): CargoFailure {
  const lines = stderr.split(/\r?\n/);
  // rustc without the target's standard library: "can't find crate for `core`" + "the `T` target may not be installed"
  const noStd = /the `([^`]+)` target may not be installed/.exec(stderr);
  if (noStd && /can't find crate for `(core|std)`/.test(stderr)) {
    const triple = noStd[1] as string;
    let parsed;
    try {
      parsed = parseTriple(triple);
    } catch {
      parsed = undefined; // a triple pyts-build cannot tag still gets the hint
    }
    const hint = missingStdHint(triple, parsed, o.rustup?.() ?? true);
    return { kind: "missing-target", detail: `the Rust standard library for ${triple} is not installed`, hint, backendHint: hint };
  }
  const missing = /no matching package named `([^`]+)` found/.exec(stderr);
  if (missing) {
    const where = /location searched: (.+)/.exec(stderr)?.[1]?.trim();
    if (/offline mode/.test(stderr) && where !== undefined && !/replacing|directory source|vendor/.test(where)) {
      return {
        kind: "offline-needs-download",
        detail: `offline, and the dependency \`${missing[1]}\` is in no local crate source (cargo searched: ${where})`,
        hint: OFFLINE_HOW,
        backendHint: OFFLINE_HOW_BACKEND,
      };
    }
    return {
      kind: "missing-crate",
      detail: `the dependency \`${missing[1]}\` is not in the crate source it searched${where ? ` (${where})` : ""}`,
      hint: `add \`${missing[1]}\` to that crate source (vendor it, or install the package that provides it), or point cargo at a registry that has it; ${OFFLINE_HOW}`,
      backendHint: `add \`${missing[1]}\` to that crate source (vendor it, or install the package that provides it), or point cargo at a registry that has it; ${OFFLINE_HOW_BACKEND}`,
    };
  }
  if (/attempting to make an HTTP request, but --offline was specified|--offline was specified|can't checkout from '[^']+': you are in the offline mode/.test(stderr)) {
    return {
      kind: "offline-needs-download",
      detail: "offline, but a dependency is not in any local crate source",
      hint: OFFLINE_HOW,
      backendHint: OFFLINE_HOW_BACKEND,
    };
  }
  // the last such line is the root cause (cargo prints "Caused by:" chains outermost first)
  const net = lines.filter((l) => NETWORK.some((re) => re.test(l))).pop()?.trim();
  if (net) {
    return {
      kind: "network",
      detail: `cannot reach the crate registry (${net.replace(/^(warning|error|Caused by):\s*/, "").slice(0, 160)})`,
      hint: `this is the machine's network or cargo configuration, not the crate: ${OFFLINE_HOW}`,
      backendHint: `this is the machine's network or cargo configuration, not the crate: ${OFFLINE_HOW_BACKEND}`,
    };
  }
  const hint = "see cargo's messages above; fix the crate, then build again";
  return { kind: "other", detail: "", hint, backendHint: hint };
}

/** Keeps the last `max` characters of a stream's text. */
export class TailBuffer {
  private text = "";
  constructor(private readonly max = 64 * 1024) {}
  push(chunk: string): void {
    this.text += chunk;
    if (this.text.length > 2 * this.max) this.text = this.text.slice(-this.max);
  }
  toString(): string {
    return this.text.slice(-this.max);
  }
}
