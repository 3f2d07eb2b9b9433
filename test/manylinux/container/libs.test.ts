/** container-libs.ts: reading ldd's answer (glibc and musl forms). The copy-out itself runs in container-build.test.ts. */
import { describe, expect, it } from "vitest";
import { parseLdd } from "../../../src/manylinux/container/container-libs.js";

describe("parseLdd", () => {
  it("glibc (captured in the bullseye stand-in): paths, the loader, no vDSO", () => {
    const out = [
      "\tlinux-vdso.so.1 (0x00007fab7aac8000)",
      "\tlibgcc_s.so.1 => /lib/x86_64-linux-gnu/libgcc_s.so.1 (0x00007fab7aa1c000)",
      "\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007fab7a820000)",
      "\tlibmissing.so.2 => not found",
      "\t/lib64/ld-linux-x86-64.so.2 (0x00007fab7aaca000)",
    ].join("\n");
    expect(parseLdd(out)).toEqual(["/lib/x86_64-linux-gnu/libgcc_s.so.1", "/lib/x86_64-linux-gnu/libc.so.6", "/lib64/ld-linux-x86-64.so.2"]);
  });
  it("musl's ldd names libc by the loader's path", () => {
    const out = "\t/lib/ld-musl-x86_64.so.1 (0x7f1c2a3f2000)\n\tlibc.musl-x86_64.so.1 => /lib/ld-musl-x86_64.so.1 (0x7f1c2a3f2000)\n";
    expect(parseLdd(out)).toEqual(["/lib/ld-musl-x86_64.so.1"]);
  });
});
