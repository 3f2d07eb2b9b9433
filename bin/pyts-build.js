#!/usr/bin/env node
// The executable: runs the compiled CLI (npm install compiles it).
import { main } from "../dist/src/cli/main.js";

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`error: ${e?.stack ?? e}\n`);
    process.exitCode = 1;
  },
);
