import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/errors.js";
import {
  cargoArtifactFileName,
  libNameFromArtifact,
  moduleFileFromArtifact,
  moduleFileName,
} from "../../src/wheel/module-name.js";

describe("cargo artifact names", () => {
  it.each([
    ["linux", "libword_count.so"],
    ["darwin", "libword_count.dylib"],
    ["windows", "word_count.dll"],
    ["freebsd", "libword_count.so"],
  ])("%s -> %s", (os, file) => {
    expect(cargoArtifactFileName("word-count", os)).toBe(file);
    expect(libNameFromArtifact(`/t/release/${file}`, os)).toBe("word_count");
  });
  it("does not mistake other files for cdylibs", () => {
    expect(libNameFromArtifact("libfoo.a", "linux")).toBeUndefined();
    expect(libNameFromArtifact("foo.so", "linux")).toBeUndefined();
    expect(libNameFromArtifact("libfoo.so", "windows")).toBeUndefined();
    expect(libNameFromArtifact("foo.dll", "darwin")).toBeUndefined();
  });
});

describe("module file names", () => {
  it("linux", () => {
    expect(moduleFileFromArtifact("target/release/libfoo.so", { module: "foo", system: "linux", extSuffix: ".cpython-311-x86_64-linux-gnu.so" })).toBe(
      "foo.cpython-311-x86_64-linux-gnu.so",
    );
    expect(moduleFileName({ module: "pkg._native", system: "linux", extSuffix: ".pypy39-pp73-x86_64-linux-gnu.so" })).toBe(
      "_native.pypy39-pp73-x86_64-linux-gnu.so",
    );
    expect(moduleFileName({ module: "foo", system: "linux", extSuffix: ".cpython-37m-x86_64-linux-gnu.so", abi3: true })).toBe("foo.abi3.so");
    expect(moduleFileName({ module: "foo", system: "linux", abi3: true })).toBe("foo.abi3.so");
  });
  it("macOS", () => {
    expect(moduleFileFromArtifact("libfoo.dylib", { module: "foo", system: "darwin", extSuffix: ".cpython-311-darwin.so" })).toBe(
      "foo.cpython-311-darwin.so",
    );
    expect(moduleFileFromArtifact("libfoo.dylib", { module: "foo", system: "darwin", extSuffix: ".cpython-311-darwin.so", abi3: true })).toBe(
      "foo.abi3.so",
    );
  });
  it("Windows", () => {
    expect(moduleFileFromArtifact("foo.dll", { module: "foo", system: "windows", extSuffix: ".pyd" })).toBe("foo.pyd");
    expect(moduleFileFromArtifact("foo.dll", { module: "foo", system: "windows", extSuffix: ".cp311-win_amd64.pyd" })).toBe(
      "foo.cp311-win_amd64.pyd",
    );
    expect(moduleFileFromArtifact("foo.dll", { module: "foo", system: "windows", extSuffix: ".cp311-win_amd64.pyd", abi3: true })).toBe("foo.pyd");
    expect(() => moduleFileName({ module: "foo", system: "windows", extSuffix: ".so" })).toThrow(/not a Windows extension suffix/);
  });
  it("errors", () => {
    expect(() => moduleFileFromArtifact("libfoo.rlib", { module: "foo", system: "linux", extSuffix: ".so" })).toThrow(/not a linux cdylib/);
    expect(() => moduleFileName({ module: "foo", system: "linux" })).toThrow(ValidationError);
    expect(() => moduleFileName({ module: "foo", system: "linux", extSuffix: "so" })).toThrow(/does not start with '.'/);
    expect(() => moduleFileName({ module: "café", system: "linux", abi3: true })).toThrow(/ASCII identifier/);
  });
});
