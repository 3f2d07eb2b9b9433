/** Audit reasons in words, for error messages and the `audit` command's output. */
import type { PolicyEvaluation, Reason } from "./audit.js";
import { policyLabel } from "./policy.js";

const SEARCHED = "RPATH/RUNPATH, LD_LIBRARY_PATH, ld.so.conf folders and the system library folders";

export function describeReason(r: Reason, maxSymbols = 4): string {
  switch (r.kind) {
    case "library":
      return `${r.neededBy} needs ${r.library}, which must be bundled${r.allowedFrom ? ` (or target ${r.allowedFrom} or newer, which allows it)` : ""}`;
    case "version": {
      const shown = r.symbols.slice(0, maxSymbols).join(", ");
      const more = r.symbols.length > maxSymbols ? `, +${r.symbols.length - maxSymbols} more` : "";
      const syms = r.symbols.length ? ` for ${shown}${more}` : "";
      return `${r.neededBy} needs ${r.version} from ${r.library}${syms}${r.allowedFrom ? ` (first allowed by ${r.allowedFrom})` : " (no policy allows it)"}`;
    }
    case "symbol":
      return `${r.neededBy} references ${r.symbol}, added in ${r.requires}${r.allowedFrom ? ` (first allowed by ${r.allowedFrom})` : ""}`;
    case "isa":
      return `${r.neededBy} requires the x86-64-v${r.level} instruction set (a GNU property note), which no manylinux policy allows`;
    case "unresolved":
      return `${r.neededBy} needs ${r.library}, which is not found (searched ${SEARCHED}), so it cannot be bundled`;
    case "libpython":
      return `${r.neededBy} embeds Python through ${r.library}, which no policy allows and which cannot be bundled (it must be the installed Python's)`;
  }
}

/** `a; b; c (+2 more)`: a one-line summary of reasons. */
export function summarizeReasons(reasons: Reason[], max = 3): string {
  const shown = reasons.slice(0, max).map((r) => describeReason(r));
  return shown.join("; ") + (reasons.length > max ? `; +${reasons.length - max} more` : "");
}

/** What a user can do about reasons that block a policy. */
export function hintFor(reasons: Reason[], ev?: PolicyEvaluation): string {
  if (reasons.some((r) => r.kind === "libpython")) {
    return "a program that embeds Python runs only where that libpython is installed, so its wheel keeps the plain linux tag (use --compatibility linux); PyPI does not accept such wheels";
  }
  if (reasons.some((r) => r.kind === "isa")) {
    return "drop -C target-cpu / -march settings above x86-64 (or -z x86-64-v2+ linker flags) from RUSTFLAGS, or accept the plain linux tag";
  }
  if (reasons.some((r) => r.kind === "unresolved")) {
    return "install the missing library or point LD_LIBRARY_PATH at it, so it can be bundled";
  }
  if (reasons.some((r) => r.kind === "version" || r.kind === "symbol")) {
    const target = ev ? ` (glibc ${ev.policy.version.join(".")})` : "";
    return `build against an older glibc${target}, e.g. with \`pyts-build manylinux\` in a manylinux container, or target a newer policy`;
  }
  if (reasons.some((r) => r.kind === "library")) return "use --auditwheel repair (or `pyts-build repair`) to bundle the libraries into the wheel";
  return ev ? `see \`pyts-build audit\` for ${policyLabel(ev.policy)}` : "see `pyts-build audit`";
}
