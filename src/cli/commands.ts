/** The list of commands: each command lives in its own file and is added here. */
import type { Command } from "commander";
import { registerBackendWheel } from "./backend-wheel.js";
import { registerSdist } from "./sdist.js";
import { registerDevelop } from "./develop.js";
import { registerPep517 } from "./pep517.js";
import { registerWheel } from "./wheel.js";
import { registerManylinux } from "./manylinux.js";
import { registerAudit } from "./audit.js";
import { registerRepair } from "./repair.js";
import { registerUpload } from "./upload.js";
import { registerPublish } from "./publish.js";
import { registerCheck } from "./check.js";
import { registerNew } from "./new.js";
import { registerInit } from "./init.js";
import { registerGenerateCi } from "./generate-ci.js";
import { registerListPython } from "./list-python.js";

export function registerCommands(program: Command): void {
  // commands are added here, one line each, e.g. registerWheel(program);
  registerWheel(program);
  registerSdist(program);
  registerBackendWheel(program);
  registerDevelop(program);
  registerPep517(program);
  registerManylinux(program);
  registerAudit(program);
  registerRepair(program);
  registerUpload(program);
  registerPublish(program);
  registerCheck(program);
  registerNew(program);
  registerInit(program);
  registerListPython(program);
  registerGenerateCi(program);
  void program;
}
