/** `pyts-build audit WHEEL...`: which manylinux policy each wheel meets, and why not a better one. */
import type { Command } from "commander";
import { AuditError, ValidationError } from "../errors.js";
import type { WheelAuditReport } from "../manylinux/audit/wheel-audit.js";

interface AuditFlags {
  json?: boolean;
  plat?: string;
}

export function registerAudit(program: Command): void {
  program
    .command("audit")
    .description("show the manylinux/musllinux policy each wheel meets, the libraries it needs and where they resolve")
    .argument("<wheel...>", "wheel files")
    .option("--json", "print the reports as JSON")
    .option("--plat <policy>", "fail unless every wheel meets this policy as it is (e.g. manylinux2014, manylinux_2_28)")
    .addHelpText(
      "after",
      `
Examples:
  pyts-build audit target/wheels/*.whl              the best policy, and why not a better one
  pyts-build audit --json dist/x.whl | jq .         for scripts
  pyts-build audit --plat manylinux2014 dist/*.whl  exit 1 unless each one meets manylinux2014`,
    )
    .action(async (wheels: string[], flags: AuditFlags) => {
      // loaded on use, so other commands start fast
      const [{ evaluationFor }, { hintFor, summarizeReasons }, { policyLabel }, { formatReport, reportToJson }, { auditWheel }] = await Promise.all([
        import("../manylinux/audit/audit.js"),
        import("../manylinux/audit/explain.js"),
        import("../manylinux/audit/policy.js"),
        import("../manylinux/audit/report-format.js"),
        import("../manylinux/audit/wheel-audit.js"),
      ]);
      const reports: WheelAuditReport[] = [];
      for (const w of wheels) reports.push(await auditWheel(w));
      if (flags.json) process.stdout.write(JSON.stringify(reports.map(reportToJson), null, 2) + "\n");
      else process.stdout.write(reports.map(formatReport).join("\n"));
      if (flags.plat !== undefined) {
        for (const r of reports) {
          const ev = evaluationFor(r, flags.plat);
          if (!ev) throw new ValidationError(`"${flags.plat}" is not a policy for ${r.arch ?? "this wheel"} (${r.wheel})`, "name a policy such as manylinux2014 or manylinux_2_28");
          if (ev.reasons.length) throw new AuditError(`${r.wheel} does not meet ${policyLabel(ev.policy)}: ${summarizeReasons(ev.reasons)}`, hintFor(ev.reasons, ev));
        }
      }
    });
}
