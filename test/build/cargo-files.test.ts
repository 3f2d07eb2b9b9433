import { describe, expect, it } from "vitest";
import { condenseCargoError, missingPathDependency } from "../../src/build/cargo-files.js";

const missing = `error: failed to load manifest for workspace member \`/w/py\`
referenced by workspace at \`/w/Cargo.toml\`

Caused by:
  failed to load manifest for dependency \`gone\`

Caused by:
  failed to read \`/nowhere/gone/Cargo.toml\`

Caused by:
  No such file or directory (os error 2)
`;

describe("cargo error messages", () => {
  it("condenses cargo's error and its causes onto one line", () => {
    const one = condenseCargoError("   Compiling x\n" + missing);
    expect(one).not.toContain("\n");
    expect(one).toBe(
      "failed to load manifest for workspace member `/w/py`: referenced by workspace at `/w/Cargo.toml`: failed to load manifest for dependency `gone`: failed to read `/nowhere/gone/Cargo.toml`: No such file or directory (os error 2)",
    );
  });

  it("recognises a missing path dependency", () => {
    const e = missingPathDependency(condenseCargoError(missing), "/w/py/Cargo.toml");
    expect(e?.message).toBe('/w/py/Cargo.toml: path dependency "gone" points at /nowhere/gone, which holds no Cargo.toml');
    expect(missingPathDependency("some other failure", "/x")).toBeUndefined();
  });
});
