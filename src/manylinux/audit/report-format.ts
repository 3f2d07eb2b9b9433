/** An audit report as text for people (`pyts-build audit`) and as JSON (`--json`). */
import { basename } from "node:path";
import type { AuditReport, PolicyEvaluation } from "./audit.js";
import { describeReason } from "./explain.js";
import { policyLabel } from "./policy.js";

/** Plain data for `--json` (Sets and Policy objects flattened to names). */
export function reportToJson(r: AuditReport & { wheel?: string }): Record<string, unknown> {
  const ev = (e: PolicyEvaluation | undefined) => e?.policy.name;
  return {
    ...(r.wheel !== undefined ? { wheel: r.wheel } : {}),
    arch: r.arch ?? null,
    family: r.family,
    policy: ev(r.best) ?? "linux",
    platformTags: r.platformTags,
    repairedPolicy: ev(r.bestRepaired) ?? "linux",
    repairedPlatformTags: r.repairedPlatformTags,
    grafts: r.bestRepaired?.grafts ?? [],
    isaLevel: r.isaLevel,
    highest: r.highest,
    files: r.files,
    libraries: r.libraries,
    policies: r.evaluations.map((e) => ({
      name: e.policy.name,
      aliases: e.policy.aliases,
      met: e.reasons.length === 0,
      reasons: e.reasons,
      metAfterRepair: e.repairReasons.length === 0,
      grafts: e.grafts,
      repairReasons: e.repairReasons,
    })),
    ...(r.note !== undefined ? { note: r.note } : {}),
  };
}

/** The human report: verdict, needs, libraries, and why the next better policy is missed. */
export function formatReport(r: AuditReport & { wheel?: string }): string {
  const lines: string[] = [];
  if (r.wheel !== undefined) lines.push(basename(r.wheel));
  if (r.note) lines.push(`  ${r.note}`);
  if (r.files.length === 0) return lines.join("\n") + "\n";
  const files = r.files.map((f) => f.path + (f.pyInit.length ? ` (extension module ${f.pyInit.map((s) => s.slice(7)).join(", ")})` : ""));
  lines.push(`  ELF files: ${files.join(", ")}`);
  if (r.arch) lines.push(`  architecture: ${r.arch}${r.isaLevel > 1 ? `, x86-64-v${r.isaLevel} instruction set` : ""}`);
  const highest = Object.entries(r.highest).map(([k, v]) => `${k} ${v}`);
  if (highest.length) lines.push(`  newest symbol versions needed: ${highest.join(", ")}`);
  lines.push(`  as it is: ${r.best ? `${policyLabel(r.best.policy)} -> ${r.platformTags.join(".")}` : `no policy (${r.platformTags.join(".") || "no platform tag"})`}`);
  if (r.evaluations.length) {
    const rep = r.bestRepaired;
    if (!rep) lines.push("  after repair: no policy either");
    else if (rep !== r.best || rep.grafts.length) {
      lines.push(`  after repair: ${policyLabel(rep.policy)} -> ${r.repairedPlatformTags.join(".")}${rep.grafts.length ? `, bundling ${rep.grafts.map((g) => g.name).join(", ")}` : ""}`);
    }
  }
  const libs = r.libraries.filter((l) => l.name !== "");
  if (libs.length) {
    lines.push("  libraries:");
    const width = Math.max(...libs.map((l) => l.name.length));
    const allowed = r.best ?? r.bestRepaired ?? r.evaluations.at(-1);
    for (const l of libs) {
      const where = l.path ? `${l.path}${l.realPath && l.realPath !== l.path ? ` -> ${l.realPath}` : ""} (${l.via})` : "NOT FOUND";
      const verdict = l.internal ? "inside the wheel" : allowed?.policy.libraries.has(l.name) ? "system (allowed)" : "outside the policies: must be bundled";
      lines.push(`    ${l.name.padEnd(width)}  ${where}  ${verdict}`);
    }
  }
  // the reasons that block the next better policy (the most useful to read)
  const idx = r.best ? r.evaluations.indexOf(r.best) : r.evaluations.length;
  const next = r.evaluations[idx - 1];
  if (next) {
    lines.push(`  why not ${policyLabel(next.policy)}:`);
    for (const reason of next.reasons) lines.push(`    - ${describeReason(reason)}`);
  }
  return lines.join("\n") + "\n";
}
