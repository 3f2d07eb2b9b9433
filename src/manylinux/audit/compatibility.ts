/**
 * The platform tag decision of `pyts-build wheel`: `--compatibility` (which
 * policy) and `--auditwheel` (what to do when the build misses it), applied to
 * an audit of the built files. Pure: the build calls audit, then this, then
 * repairs if asked to.
 */
import { AuditError, ValidationError } from "../../errors.js";
import type { ElfArch } from "./elf.js";
import { type AuditReport, evaluationFor, type Graft, type PolicyEvaluation } from "./audit.js";
import { hintFor, summarizeReasons } from "./explain.js";
import { ARCHES, findPolicy, type Policy, policyLabel, policyNames, platformTags } from "./policy.js";

import type { AuditwheelMode } from "./auditwheel-mode.js";
export { AUDITWHEEL_MODES, type AuditwheelMode } from "./auditwheel-mode.js";

export interface CompatibilityRequest {
  /** `auto` (best policy met), `pypi` (like auto, but a plain linux tag is an error), `linux`/`off`, or a policy name/alias */
  compatibility: string;
  auditwheel: AuditwheelMode;
  /** the plain platform tag of the target (`linux_x86_64`), used when no policy applies */
  linuxTag: string;
}

export interface CompatibilityDecision {
  platformTags: string[];
  /** undefined: the plain linux tag */
  policy: Policy | undefined;
  /** outside libraries to bundle (only in repair mode) */
  grafts: Graft[];
  warnings: string[];
}

function archOfTag(linuxTag: string): ElfArch | undefined {
  const a = linuxTag.replace(/^linux_/, "");
  return (ARCHES as readonly string[]).includes(a) ? (a as ElfArch) : undefined;
}

function plain(req: CompatibilityRequest, warnings: string[] = []): CompatibilityDecision {
  return { platformTags: [req.linuxTag], policy: undefined, grafts: [], warnings };
}

function chosen(ev: PolicyEvaluation, grafts: Graft[], warnings: string[] = []): CompatibilityDecision {
  return { platformTags: platformTags(ev.policy), policy: ev.policy, grafts, warnings };
}

function miss(ev: PolicyEvaluation, reasons = ev.reasons): AuditError {
  return new AuditError(`the build does not meet ${policyLabel(ev.policy)}: ${summarizeReasons(reasons)}`, hintFor(reasons, ev));
}

/** Why nothing better than linux applies: the reasons of the newest policy (they block every policy). */
function whyLinux(report: AuditReport, repaired: boolean): string {
  if (report.note) return report.note;
  const last = report.evaluations.at(-1);
  if (!last) return "no policy exists for this architecture";
  return summarizeReasons(repaired ? last.repairReasons : last.reasons);
}

/** Decide the platform tags. Throws AuditError when the request cannot be met (message names the offenders). */
export function chooseCompatibility(report: AuditReport | undefined, req: CompatibilityRequest): CompatibilityDecision {
  const c = req.compatibility;
  if (c === "linux" || c === "off") return plain(req);
  const explicit = c !== "auto" && c !== "pypi";
  if (req.auditwheel === "skip") {
    if (!explicit) {
      if (c === "pypi") throw new AuditError("--compatibility pypi needs an audit, but --auditwheel skip turns it off", "use --auditwheel repair, check or warn");
      return plain(req);
    }
    const arch = report?.arch ?? archOfTag(req.linuxTag);
    const p = arch ? findPolicy(c, arch) : undefined;
    if (!p) throw unknownPolicy(c, arch);
    return { platformTags: platformTags(p), policy: p, grafts: [], warnings: [`${policyLabel(p)} tag set without an audit (--auditwheel skip)`] };
  }
  if (!report) throw new ValidationError(`--auditwheel ${req.auditwheel} needs an audit report`);

  if (!explicit) {
    if (report.evaluations.length === 0) {
      if (c === "pypi") throw new AuditError(`no manylinux policy applies: ${whyLinux(report, false)}`, "PyPI accepts Linux wheels only with a manylinux or musllinux tag");
      return plain(req, report.note && report.files.length ? [report.note] : []);
    }
    if (req.auditwheel === "repair") {
      const ev = report.bestRepaired;
      if (ev) return chosen(ev, ev.grafts);
      const why = whyLinux(report, true);
      const last = report.evaluations.at(-1)!;
      if (c === "pypi") throw new AuditError(`no manylinux policy can be met: ${why}`, hintFor(last.repairReasons, last));
      return plain(req, [`tagged ${req.linuxTag}: no manylinux policy can be met: ${why}`]);
    }
    const ev = report.best;
    if (ev) return chosen(ev, []);
    const repairable = report.bestRepaired;
    if (repairable && req.auditwheel === "check") {
      throw new AuditError(
        `the build needs libraries outside the wheel that no policy allows: ${summarizeReasons(report.evaluations.at(-1)!.reasons.filter((r) => r.kind === "library"))}`,
        `use --auditwheel repair to bundle them (it would reach ${policyLabel(repairable.policy)})`,
      );
    }
    const why = whyLinux(report, false);
    if (c === "pypi") throw new AuditError(`no manylinux policy is met: ${why}`, hintFor(report.evaluations.at(-1)!.reasons));
    return plain(req, [`tagged ${req.linuxTag}: no manylinux policy is met: ${why}`]);
  }

  const ev = evaluationFor(report, c);
  if (!ev) throw unknownPolicy(c, report.arch ?? archOfTag(req.linuxTag));
  if (req.auditwheel === "repair") {
    if (ev.repairReasons.length) throw miss(ev, ev.repairReasons);
    return chosen(ev, ev.grafts);
  }
  if (ev.reasons.length === 0) return chosen(ev, []);
  if (req.auditwheel === "check") {
    if (ev.repairReasons.length > 0) throw miss(ev);
    throw new AuditError(miss(ev).message, `use --auditwheel repair to bundle ${ev.grafts.map((g) => g.name).join(", ")} into the wheel`);
  }
  return chosen(ev, [], [`the build does not meet ${policyLabel(ev.policy)} but is tagged so (--auditwheel warn): ${summarizeReasons(ev.reasons)}`]);
}

function unknownPolicy(name: string, arch: ElfArch | undefined): ValidationError {
  const names = arch ? policyNames(arch) : [];
  return new ValidationError(
    `"${name}" is not a policy${arch ? ` for ${arch}` : ""}`,
    names.length
      ? `use auto, pypi, linux, or one of: ${names.join(", ")}`
      : "use auto, pypi or linux (this architecture has no manylinux policy)",
  );
}
