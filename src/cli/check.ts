/** `pyts-build check FILES...`: would the index take these files and render their description? */
import type { Command } from "commander";
import { ValidationError } from "../errors.js";

export function registerCheck(program: Command): void {
  program
    .command("check")
    .description("check wheels and sdists as `twine check --strict` does (file name, metadata, the description renders)")
    .argument("<files...>", "distributions to check")
    .option("--no-strict", "warnings (e.g. no Description-Content-Type) do not fail")
    .option("--python <python>", "a Python with readme_renderer to render reStructuredText descriptions (default: python3)")
    .addHelpText(
      "after",
      `
Examples:
  pyts-build check target/wheels/*          every file, strict (as before an upload)
  pyts-build check --no-strict dist/x.whl   only errors fail`,
    )
    .action(async (files: string[], flags: { strict: boolean; python?: string }) => {
      const { checkFiles, passed } = await import("../publish/check.js");
      const results = await checkFiles(files, flags.python !== undefined ? { python: flags.python } : {});
      let failures = 0;
      for (const r of results) {
        const ok = passed(r, flags.strict);
        if (!ok) failures++;
        const verdict = ok ? (r.warnings.length ? "PASSED with warnings" : "PASSED") : r.errors.length ? "FAILED" : "FAILED due to warnings";
        process.stdout.write(`Checking ${r.file}: ${verdict}\n`);
        for (const e of r.errors) process.stdout.write(`  error: ${e}\n`);
        for (const w of r.warnings) process.stdout.write(`  warning: ${w}\n`);
        for (const n of r.notes) process.stdout.write(`  note: ${n}\n`);
      }
      if (failures) throw new ValidationError(`${failures} of ${results.length} file${results.length === 1 ? "" : "s"} failed the checks`, "fix what is listed above and rebuild");
    });
}
