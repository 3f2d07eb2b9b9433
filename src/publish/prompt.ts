/** Asking for a credential on the terminal; the password is not echoed. */
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
