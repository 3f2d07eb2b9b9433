import { describe, expect, it } from "vitest";
import { parseCargoLine, sharedLibraryOf } from "../../../src/build/cargo/cargo-messages.js";

// Lines in the shape cargo 1.95 prints them (trimmed to the fields we read).
const ARTIFACT = JSON.stringify({
  reason: "compiler-artifact",
  package_id: "path+file:///w/demo#0.1.0",
  manifest_path: "/w/demo/Cargo.toml",
  target: { kind: ["cdylib"], crate_types: ["cdylib"], name: "demo", src_path: "/w/demo/src/lib.rs" },
  filenames: ["/w/demo/target/debug/libdemo.so"],
  executable: null,
  fresh: true,
});

describe("parseCargoLine", () => {
  it("reads compiler-artifact messages", () => {
    expect(parseCargoLine(ARTIFACT)).toEqual({
      reason: "compiler-artifact",
      artifact: {
        packageId: "path+file:///w/demo#0.1.0",
        manifestPath: "/w/demo/Cargo.toml",
        targetName: "demo",
        kind: ["cdylib"],
        crateTypes: ["cdylib"],
        filenames: ["/w/demo/target/debug/libdemo.so"],
        executable: null,
        fresh: true,
      },
    });
  });

  it("build-finished, other reasons, and non-JSON lines", () => {
    expect(parseCargoLine('{"reason":"build-finished","success":false}')).toEqual({ reason: "build-finished", success: false });
    expect(parseCargoLine('{"reason":"compiler-message"}')).toEqual({ reason: "other" });
    expect(parseCargoLine('{"reason":"build-script-executed","package_id":"path+file:///c#x@1.0","out_dir":"/t/build/x-1/out"}')).toEqual({
      reason: "build-script-executed",
      script: { packageId: "path+file:///c#x@1.0", outDir: "/t/build/x-1/out" },
    });
    expect(parseCargoLine("warning: something")).toBeUndefined();
    expect(parseCargoLine("{not json")).toBeUndefined();
  });
});

describe("sharedLibraryOf", () => {
  const base = { packageId: "", manifestPath: "", targetName: "x", executable: null, fresh: false };
  it("picks the .so/.dylib/.dll of a cdylib, ignoring rlibs", () => {
    expect(sharedLibraryOf({ ...base, kind: ["cdylib", "rlib"], crateTypes: ["cdylib", "rlib"], filenames: ["/t/libx.rlib", "/t/libx.so"] })).toBe("/t/libx.so");
    expect(sharedLibraryOf({ ...base, kind: ["cdylib"], crateTypes: ["cdylib"], filenames: ["/t/libx.dylib"] })).toBe("/t/libx.dylib");
    expect(sharedLibraryOf({ ...base, kind: ["cdylib"], crateTypes: ["cdylib"], filenames: ["/t/x.dll", "/t/x.dll.lib"] })).toBe("/t/x.dll");
    expect(sharedLibraryOf({ ...base, kind: ["lib"], crateTypes: ["lib"], filenames: ["/t/libx.rlib"] })).toBeUndefined();
  });
});
