/** classifyCargoFailure on cargo's own words (captured from cargo 1.9x runs), and the bounded tail. */
import { describe, expect, it } from "vitest";
import { classifyCargoFailure, TailBuffer } from "../../../src/build/cargo/cargo-failure.js";

const UNREACHABLE = `    Updating crates.io index
warning: spurious network error (3 tries remaining): [6] Could not resolve hostname (Could not resolve host: index.crates.io)
error: failed to get \`libc\` as a dependency of package \`net v0.1.0 (/tmp/net)\`

Caused by:
  download of config.json failed

Caused by:
  failed to download from \`https://index.crates.io/config.json\`

Caused by:
  [6] Could not resolve hostname (Could not resolve host: index.crates.io)
`;

const MIRROR_DOWN = `error: failed to get \`libc\` as a dependency of package \`net v0.1.0 (/tmp/net)\`

Caused by:
  failed to query replaced source registry \`crates-io\`

Caused by:
  [7] Could not connect to server (Failed to connect to 127.0.0.1 port 9 after 0 ms: Could not connect to server)
`;

const MISSING = `error: no matching package named \`not-here\` found
location searched: directory source \`/usr/share/cargo/registry\` (which is replacing registry \`crates-io\`)
required by package \`net v0.1.0 (/tmp/net)\`
As a reminder, you're using offline mode (--offline) which can sometimes cause surprising resolution failures, if this error is too confusing you may wish to retry without \`--offline\`.
`;

const OFFLINE_BARE = `error: no matching package named \`libc\` found
location searched: crates.io index
required by package \`net v0.1.0 (/tmp/net)\`
As a reminder, you're using offline mode (--offline) which can sometimes cause surprising resolution failures, if this error is too confusing you may wish to retry without \`--offline\`.
`;

const COMPILE = `   Compiling net v0.1.0 (/tmp/net)
error: expected one of \`:\`, \`@\`, or \`|\`, found \`{\`
 --> src/lib.rs:1:12
error: could not compile \`net\` (lib) due to 1 previous error
`;

describe("classifyCargoFailure", () => {
  it.each([
    ["unreachable crates.io", UNREACHABLE, "network", /^cannot reach the crate registry \(\[6\] Could not resolve hostname/],
    ["unreachable mirror", MIRROR_DOWN, "network", /^cannot reach the crate registry \(\[7\] Could not connect to server/],
    ["crate missing from the local source", MISSING, "missing-crate", /^the dependency `not-here` is not in the crate source it searched \(directory source/],
    ["offline without a local source", OFFLINE_BARE, "offline-needs-download", /^offline, and the dependency `libc` is in no local crate source \(cargo searched: crates\.io index\)$/],
    ["a compile error", COMPILE, "other", /^$/],
  ])("%s", (_name, stderr, kind, detail) => {
    const f = classifyCargoFailure(stderr);
    expect(f.kind).toBe(kind);
    expect(f.detail).toMatch(detail);
    expect(f.detail).not.toContain("\n");
    if (kind === "other") expect([f.hint, f.backendHint]).toEqual([expect.stringContaining("fix the crate"), f.hint]);
    else {
      expect(f.hint).toMatch(/cargo vendor.*--offline$/);
      // pip passes no flags to the backend: the environment variable instead
      expect(f.backendHint).toMatch(/cargo vendor.*set CARGO_NET_OFFLINE=true where pip runs$/);
      expect(f.backendHint).not.toContain("--offline");
    }
  });
});

describe("TailBuffer", () => {
  it("keeps only the last characters", () => {
    const t = new TailBuffer(10);
    for (let i = 0; i < 100; i++) t.push(String(i % 10));
    expect(t.toString()).toBe("0123456789");
    t.push("abc");
    expect(t.toString()).toBe("3456789abc");
  });
});

// rustc 1.95 (rustup) and 1.96 (Debian's rustc-web) print the same note, naming rustup either way
const NO_STD = `   Compiling ffi-min v0.2.0 (/tmp/ffi-min)
error[E0463]: can't find crate for \`std\`
  |
  = note: the \`s390x-unknown-linux-gnu\` target may not be installed
  = help: consider downloading the target with \`rustup target add s390x-unknown-linux-gnu\`

error: could not compile \`ffi-min\` (lib) due to 1 previous error
`;

describe("a target without its standard library", () => {
  it("one line naming the target; the hint fits the rustc that ran", () => {
    const rustup = classifyCargoFailure(NO_STD, { rustup: () => true });
    expect(rustup).toMatchObject({ kind: "missing-target", detail: "the Rust standard library for s390x-unknown-linux-gnu is not installed", hint: "add it with `rustup target add s390x-unknown-linux-gnu`" });
    const distro = classifyCargoFailure(NO_STD, { rustup: () => false });
    expect(distro.hint).toMatch(/^install your distribution's Rust standard library for s390x-unknown-linux-gnu \(Debian\/Ubuntu: dpkg --add-architecture s390x, then apt-get install libstd-rust-dev:s390x/);
  });
});
