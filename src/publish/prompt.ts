/** The terminal side of an upload: asking for a credential (the password not echoed), and a progress bar. */
import { createInterface } from "node:readline";
import { Writable } from "node:stream";

/** A prompt when stdin and stderr are terminals, else undefined (nothing to ask). */
export function terminalPrompt(): ((question: string, hidden: boolean) => Promise<string>) | undefined {
  if (!process.stdin.isTTY || !process.stderr.isTTY) return undefined;
  return (question, hidden) =>
    new Promise((resolve) => {
      let muted = false;
      const out = new Writable({
        write(chunk, _enc, done) {
          if (!muted) process.stderr.write(chunk as Buffer);
          done();
        },
      });
      const rl = createInterface({ input: process.stdin, output: out, terminal: true });
      rl.question(question, (answer) => {
        rl.close();
        if (hidden) process.stderr.write("\n");
        resolve(answer);
      });
      muted = hidden; // after the question is shown: the typed characters are not
    });
}

/** A one-line byte progress bar per file on a terminal (stderr), else undefined. */
export function terminalProgress(quiet: boolean): ((file: string, sent: number, total: number) => void) | undefined {
  if (quiet || !process.stderr.isTTY) return undefined;
  let last = "";
  return (file, sent, total) => {
    const pct = total > 0 ? Math.min(100, Math.floor((sent * 100) / total)) : 100;
    const bar = "#".repeat(Math.floor(pct / 4)).padEnd(25, "-");
    const line = `  [${bar}] ${String(pct).padStart(3)}% ${(sent / 1048576).toFixed(1)}/${(total / 1048576).toFixed(1)} MiB ${file}`;
    if (line === last) return;
    last = line;
    process.stderr.write(`\r${line}${sent >= total ? "\n" : ""}`);
  };
}
