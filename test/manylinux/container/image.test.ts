/** image.ts: policy -> default image, the image's own policy, and ensureImage against real podman. */
import { describe, expect, it } from "vitest";
import { ContainerError } from "../../../src/errors.js";
import { silentLogger } from "../../../src/log.js";
import { detectEngine } from "../../../src/manylinux/container/engine.js";
import { checkPolicyName, defaultImageFor, ensureImage, linuxArch, parseEnvList, policyFromImageEnv } from "../../../src/manylinux/container/image.js";
import { requireContainers, skipContainers } from "../helpers/containers.js";

describe("defaultImageFor", () => {
  it.each([
    ["manylinux2014", "x86_64", "quay.io/pypa/manylinux2014_x86_64"],
    ["manylinux_2_17", "x86_64", "quay.io/pypa/manylinux2014_x86_64"],
    ["manylinux_2_28", "aarch64", "quay.io/pypa/manylinux_2_28_aarch64"],
    ["manylinux_2_34_x86_64", "x86_64", "quay.io/pypa/manylinux_2_34_x86_64"],
    ["musllinux_1_2", "x86_64", "quay.io/pypa/musllinux_1_2_x86_64"],
  ])("%s on %s -> %s", (policy, arch, image) => expect(defaultImageFor(policy, arch)).toBe(image));

  it("policies older than Rust's glibc 2.17 are refused with the reason", () => {
    expect(() => defaultImageFor("manylinux2010", "x86_64")).toThrow("policy manylinux2010 is older than Rust supports (Rust needs glibc 2.17, i.e. manylinux2014 or newer)");
  });
  it("a policy without a pypa image asks for --image", () => {
    const e = (() => {
      try {
        defaultImageFor("manylinux_2_31", "x86_64");
      } catch (x) {
        return x as ContainerError;
      }
    })();
    expect(e?.message).toBe("no default build image for policy manylinux_2_31");
    expect(e?.hint).toMatch(/--image/);
  });
});

describe("checkPolicyName", () => {
  it("takes a policy with or without any architecture's suffix; refuses unknown and too-old names", () => {
    for (const p of ["manylinux2014", "manylinux_2_28_aarch64", "musllinux_1_2_armv7l", "manylinux_2_34_s390x"]) expect(() => checkPolicyName(p)).not.toThrow();
    expect(() => checkPolicyName("bogus")).toThrow(/^no default build image for policy bogus$/);
    expect(() => checkPolicyName("manylinux2010_aarch64")).toThrow(/older than Rust supports/);
  });
});

describe("image environment", () => {
  it("parseEnvList keeps '=' inside values", () => {
    expect(parseEnvList(["A=1", "B=x=y", "junk", 3])).toEqual({ A: "1", B: "x=y" });
  });
  it("policyFromImageEnv reads AUDITWHEEL_PLAT", () => {
    expect(policyFromImageEnv({ AUDITWHEEL_PLAT: "manylinux_2_28_x86_64" }, "x86_64")).toBe("manylinux_2_28");
    expect(policyFromImageEnv({ AUDITWHEEL_PLAT: "manylinux2014_aarch64" }, "aarch64")).toBe("manylinux2014");
    expect(policyFromImageEnv({}, "x86_64")).toBeUndefined();
  });
  it("linuxArch maps Node's names", () => {
    expect(linuxArch("x64")).toBe("x86_64");
    expect(linuxArch("arm64")).toBe("aarch64");
  });
});

describe.skipIf(skipContainers())("ensureImage with real podman", () => {
  it("a present image: its configured environment", async () => {
    const setup = requireContainers();
    const engine = await detectEngine({ engine: "podman", env: { ...process.env, ...setup.env } });
    const info = await ensureImage(engine, setup.image, silentLogger);
    expect(info.env.PATH).toMatch(/\/usr\/bin/);
  });
});
