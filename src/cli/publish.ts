/** `pyts-build publish`: build the sdist and the wheels, then upload them. */
import { type Command, Option } from "commander";
import { AUDITWHEEL_MODES, type AuditwheelMode } from "../manylinux/audit/auditwheel-mode.js";
import { loggerFor } from "./main.js";
import { addCompileOptions, type CompileFlags, compileOptionsFrom } from "./options.js";
import { addUploadOptions, type UploadFlags, uploadOptionsFrom } from "./upload.js";

interface PublishFlags extends CompileFlags, UploadFlags {
  out?: string;
  /** commander's negatable --no-sdist */
  sdist?: boolean;
  compatibility?: string;
  auditwheel?: AuditwheelMode;
}

export function registerPublish(program: Command): void {
  const cmd = program
    .command("publish")
    .description("build the sdist and the wheels (from the sdist), check them, and upload them")
    .argument("[rustc-args...]", "arguments after -- are passed to rustc");
  addCompileOptions(cmd)
    .option("-o, --out <dir>", "output folder (default: <cargo target dir>/wheels)")
    .option("--no-sdist", "build and upload only the wheels")
    .option("--compatibility <policy>", "Linux platform tag, as for `pyts-build wheel` (default: auto)")
    .addOption(new Option("--auditwheel <mode>", "what to do with outside libraries and policy misses").choices([...AUDITWHEEL_MODES]).default("repair"));
  // -r is --release for builds, so the repository has only its long name here
  addUploadOptions(cmd, false).addHelpText(
    "after",
    `
Examples:
  pyts-build publish -r --find-interpreter          release wheels for every Python found, plus the sdist, to PyPI
  pyts-build publish -r --repository testpypi       to the [testpypi] index of ~/.pypirc
Credentials as for \`pyts-build upload\` (see its --help).`,
  );
  cmd.action(async (rustcArgs: string[], flags: PublishFlags, c: Command) => {
    const log = loggerFor(c);
    const [{ manylinuxSteps }, { publish }, { terminalPrompt, terminalProgress }] = await Promise.all([
      import("../manylinux/audit/finalize.js"),
      import("../publish/publish.js"),
      import("../publish/prompt.js"),
    ]);
    const steps = manylinuxSteps({
      ...(flags.compatibility !== undefined ? { compatibility: flags.compatibility } : {}),
      ...(flags.auditwheel !== undefined ? { auditwheel: flags.auditwheel } : {}),
    });
    const prompt = terminalPrompt();
    const onProgress = terminalProgress(log.verbosity === "quiet");
    const r = await publish({
      build: { ...compileOptionsFrom(flags, rustcArgs), ...(flags.out !== undefined ? { out: flags.out } : {}), log, ...steps },
      sdist: flags.sdist !== false,
      upload: { ...uploadOptionsFrom(flags), log, ...(prompt ? { prompt } : {}), ...(onProgress ? { onProgress } : {}) },
    });
    for (const u of r.uploads) log.info(`${u.status === "uploaded" ? "Uploaded" : "Skipped (already there)"} ${u.file}`);
    process.stdout.write(r.uploads.map((u) => `${u.status} ${u.file}\n`).join(""));
  });
}
