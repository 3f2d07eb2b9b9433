/**
 * The audit step of `pyts-build wheel`: audit the freshly written (plain linux)
 * wheel, decide the tag with chooseCompatibility, then repair (bundle) or just
 * retag it. The first wheel is replaced by the final one in the same folder.
 */
import { rm } from "node:fs/promises";
import { basename, resolve } from "node:path";
import type { WheelFile } from "../../wheel/wheel.js";
import type { Logger } from "../../log.js";
import { silentLogger } from "../../log.js";
import { rewriteWheel, writeEditedWheel } from "../../wheel/edit.js";
import { openWheel } from "../../wheel/reader.js";
import { expandTagSet, platformTag, type TagInterpreter, tagsToString, withPlatforms } from "../../wheel/tags.js";
import { type AuditOptions, auditElfFiles } from "./audit.js";
import { hasElfMagic, startsWithElfMagic } from "./elf.js";
import { type AuditwheelMode, chooseCompatibility, type CompatibilityDecision } from "./compatibility.js";
import { policyLabel } from "./policy.js";
import { type RepairOptions, repairAudited } from "./repair.js";
import { openAuditedWheel } from "./wheel-audit.js";

/**
 * What the build hands its after-write step. Declared on this side: the audit layer sits below the build and
 * imports nothing from it (src/build's own context and wheel types fit these shapes).
 */
export interface AfterWriteContext {
  config: { tool: { compatibility?: string | undefined; auditwheel?: AuditwheelMode | undefined; sbom?: { auditwheel: boolean } } };
  interpreter: TagInterpreter & { system: string };
  outDir: string;
  log: Logger;
  /** The wheel is a program tagged for the interpreter it embeds (a pyo3 `bin`): its libpython is allowed. */
  embedsPython?: boolean;
}

/** A wheel the build wrote: the step returns it moved to its final name and tags (other fields kept). */
export interface WrittenWheel {
  path: string;
  fileName: string;
  tags: string[];
}

/** What the audit and a repair take from the caller: where libraries are searched, who knows their packages. */
export type AuditExtras = AuditOptions & Pick<RepairOptions, "packages">;

export interface FinalizeOptions extends AuditExtras {
  /** a repair adds `sboms/auditwheel.cdx.json` (default true) */
  sbom?: boolean;
  /** `auto` (default), `pypi`, `linux`/`off`, or a policy name/alias */
  compatibility?: string;
  /** default: `repair` */
  auditwheel?: AuditwheelMode;
  /** the wheel's plain platform tag (`linux_x86_64`) */
  linuxTag: string;
  outDir: string;
  log?: Logger;
  epoch?: number;
}

export interface FinalizedWheel {
  path: string;
  platformTags: string[];
  decision: CompatibilityDecision;
  /** DT_NEEDED names bundled into the wheel */
  grafted: string[];
}

/**
 * Audit, decide, and repair or retag a built wheel. Throws AuditError when the
 * request cannot be met. The wheel is extracted and audited once: the repair or
 * retag works from that extraction.
 */
export async function finalizeWheel(path: string, o: FinalizeOptions): Promise<FinalizedWheel> {
  const log = o.log ?? silentLogger;
  const req = { compatibility: o.compatibility ?? "auto", auditwheel: o.auditwheel ?? "repair", linuxTag: o.linuxTag };
  const needsAudit = !(req.compatibility === "linux" || req.compatibility === "off" || req.auditwheel === "skip");
  const audited = needsAudit ? await openAuditedWheel(path, { ...o, scratchIn: o.outDir }) : undefined;
  let out = path;
  let grafted: string[] = [];
  let decision: CompatibilityDecision;
  try {
    decision = chooseCompatibility(audited?.report, req);
    for (const w of decision.warnings) log.warn(w);
    if (decision.grafts.length > 0 && decision.policy) {
      const r = await repairAudited(audited!, { ...o, plat: decision.policy.name, replaceInput: true });
      out = r.wheel;
      grafted = r.grafted.map((g) => g.name);
      log.info(`bundled ${r.grafted.map((g) => `${g.name} as ${g.wheelPath}`).join(", ")} (${policyLabel(r.policy)})`);
    } else {
      const wanted = decision.platformTags;
      const w = audited?.opened ?? (await openWheel(path));
      try {
        const current = w.wheel.tags;
        const same = current.length > 0 && current.every((t) => wanted.includes(t.platform)) && wanted.length === new Set(current.map((t) => t.platform)).size;
        if (!same) {
          const edits = { tags: withPlatforms(current, wanted), ...(o.epoch !== undefined ? { epoch: o.epoch } : {}) };
          out = audited ? await writeEditedWheel(w, audited.entries, o.outDir, edits) : await rewriteWheel(path, o.outDir, edits);
        }
      } finally {
        if (!audited) w.reader.close();
      }
    }
  } finally {
    await audited?.dispose();
  }
  if (resolve(out) !== resolve(path)) await rm(path, { force: true });
  return { path: out, platformTags: decision.platformTags, decision, grafted };
}

export interface ManylinuxRequest {
  /** --compatibility; default: `compatibility` of `[tool.pyts-build]` (or `[tool.maturin]`), else `auto` */
  compatibility?: string;
  /** --auditwheel; default: the config's (`auditwheel`, maturin's `skip-auditwheel`), else `repair` */
  auditwheel?: AuditwheelMode;
  /** when neither `compatibility` nor the config names one (default `auto`; PEP 517 builds use `linux`) */
  fallback?: string;
}

function compatibilityOf(req: ManylinuxRequest, ctx: AfterWriteContext): string {
  return req.compatibility ?? ctx.config.tool.compatibility ?? req.fallback ?? "auto";
}

function auditwheelOf(req: ManylinuxRequest, ctx: AfterWriteContext): AuditwheelMode {
  return req.auditwheel ?? ctx.config.tool.auditwheel ?? "repair";
}

/**
 * The `afterWrite` step of `pyts-build wheel`: on Linux, audit the freshly built
 * wheel and give it the manylinux tag it really meets (repairing when asked);
 * other platforms keep their tag.
 */
export function manylinuxAfterWrite(req: ManylinuxRequest, extra: AuditExtras = {}) {
  return async <W extends WrittenWheel>(wheel: W, ctx: AfterWriteContext): Promise<W> => {
    if (ctx.interpreter.system !== "linux") return wheel;
    try {
      const done = await finalizeWheel(wheel.path, {
        ...extra,
        ...(ctx.embedsPython ? { libpythonAllowed: true } : {}),
        ...(ctx.config.tool.sbom?.auditwheel === false ? { sbom: false } : {}),
        compatibility: compatibilityOf(req, ctx),
        auditwheel: auditwheelOf(req, ctx),
        linuxTag: platformTag(ctx.interpreter),
        outDir: ctx.outDir,
        log: ctx.log,
      });
      return retagged(wheel, done);
    } catch (e) {
      // the plain wheel was an intermediate: a build that cannot meet the request leaves no wheel
      await rm(wheel.path, { force: true });
      throw e;
    }
  };
}

/**
 * The manylinux step of `pyts-build wheel` as buildWheels hooks. The common case,
 * one extension that needs only a tag, is audited from the files about to be
 * written, so the wheel is written once under its final name; anything that
 * needs the written wheel (bundling libraries, several ELF files whose `$ORIGIN`
 * paths must resolve inside it) goes through finalizeWheel after writing.
 */
export function manylinuxSteps(req: ManylinuxRequest, extra: AuditExtras = {}) {
  const after = manylinuxAfterWrite(req, extra);
  let decidedBeforeWrite = false;
  return {
    platformTags: async (files: WheelFile[], ctx: AfterWriteContext): Promise<string[] | undefined> => {
      decidedBeforeWrite = false;
      if (ctx.interpreter.system !== "linux") return undefined;
      const elf = files.flatMap((f) => ("file" in f.source && startsWithElfMagic(f.source.file) ? [{ path: f.path, file: f.source.file }] : []));
      const bytesElf = files.some((f) => "bytes" in f.source && typeof f.source.bytes !== "string" && hasElfMagic(f.source.bytes));
      if (elf.length !== 1 || bytesElf) return undefined;
      const compatibility = compatibilityOf(req, ctx);
      const auditwheel = auditwheelOf(req, ctx);
      const skip = compatibility === "linux" || compatibility === "off" || auditwheel === "skip";
      const report = skip ? undefined : auditElfFiles(elf, ctx.embedsPython ? { ...extra, libpythonAllowed: true } : extra);
      const decision = chooseCompatibility(report, { compatibility, auditwheel, linuxTag: platformTag(ctx.interpreter) });
      if (decision.grafts.length > 0) return undefined; // bundling works on the written wheel
      for (const w of decision.warnings) ctx.log.warn(w);
      if (report && decision.policy) {
        const needs = Object.entries(report.highest).map(([ns, v]) => `${ns}_${v}`).join(", ");
        ctx.log.debug(`audit: ${policyLabel(decision.policy)}${needs ? ` (newest symbol versions needed: ${needs})` : ""}`);
      }
      decidedBeforeWrite = true;
      return decision.platformTags;
    },
    afterWrite: <W extends WrittenWheel>(wheel: W, ctx: AfterWriteContext): Promise<W> => (decidedBeforeWrite ? Promise.resolve(wheel) : after(wheel, ctx)),
    afterWriteKeepsTagged: true, // the line above
  };
}

/** The BuiltWheel after finalizeWheel moved it to its final name and tags. */
export function retagged<W extends WrittenWheel>(wheel: W, done: FinalizedWheel): W {
  const tags = withPlatforms(wheel.tags.flatMap(expandTagSet), done.platformTags).map(tagsToString);
  return { ...wheel, path: done.path, fileName: basename(done.path), tags };
}
