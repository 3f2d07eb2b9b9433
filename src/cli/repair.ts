/** `pyts-build repair WHEEL -w DIR [--plat TAG]`: bundle outside libraries and retag for manylinux. */
import type { Command } from "commander";
import { loggerFor } from "./main.js";

interface RepairFlags {
  wheelDir: string;
  plat?: string;
  strip?: boolean;
}

export function registerRepair(program: Command): void {
  program
    .command("repair")
    .description("copy the outside libraries a wheel needs into it ({dist}.libs/) and tag it with the best (or the given) manylinux policy")
    .argument("<wheel...>", "wheel files")
    .requiredOption("-w, --wheel-dir <dir>", "where to write the repaired wheels")
    .option("--plat <policy>", "target policy (manylinux2014, manylinux_2_28, ...); default: the best one a repair reaches")
    .option("--strip", "strip symbols from the extensions and the bundled libraries")
    .addHelpText(
      "after",
      `
Examples:
  pyts-build repair dist/x-1.0-cp311-cp311-linux_x86_64.whl -w wheelhouse
  pyts-build repair dist/*.whl -w wheelhouse --plat manylinux2014`,
    )
    .action(async (wheels: string[], flags: RepairFlags, cmd: Command) => {
      const log = loggerFor(cmd);
      const [{ policyLabel }, { repairWheel }] = await Promise.all([import("../manylinux/audit/policy.js"), import("../manylinux/audit/repair.js")]);
      for (const w of wheels) {
        const r = await repairWheel(w, { outDir: flags.wheelDir, ...(flags.plat !== undefined ? { plat: flags.plat } : {}), ...(flags.strip ? { strip: true } : {}) });
        for (const g of r.grafted) log.info(`bundled ${g.name} (${g.from}) as ${g.wheelPath}`);
        log.info(`${policyLabel(r.policy)}: ${r.wheel}`);
        // stdout carries only the result, for scripts
        process.stdout.write(r.wheel + "\n");
      }
    });
}
