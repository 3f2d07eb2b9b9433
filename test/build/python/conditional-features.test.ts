import { describe, expect, it } from "vitest";
import { featureApplies, featuresFor, groupByFeatures } from "../../../src/build/python/conditional-features.js";
import { Fields } from "../../../src/build/project/fields.js";
import { readToolConfig } from "../../../src/build/project/tool-config.js";
import { parseToml } from "../../../src/build/project/toml.js";

const cp = (minor: number) => ({ major: 3, minor, implementation: "cpython" });
const abi3 = { feature: "pyo3/abi3-py311", pythonVersion: ">=3.11" };

describe("conditional features", () => {
  it("a feature applies when every condition matches the interpreter's major.minor and implementation", () => {
    expect([10, 11, 12].map((m) => featureApplies(abi3, cp(m)))).toEqual([false, true, true]);
    expect(featureApplies({ feature: "x", pythonVersion: ">=3.11.2" }, cp(11))).toBe(false); // maturin compares 3.11 as 3.11.0
    expect(featureApplies({ feature: "x", pythonVersion: "==3.11.*" }, cp(11))).toBe(true);
    expect(featureApplies({ feature: "x", pythonImplementation: "PyPy" }, { major: 3, minor: 10, implementation: "pypy" })).toBe(true);
    expect(featureApplies({ feature: "x", pythonVersion: ">=3.8", pythonImplementation: "pypy" }, cp(11))).toBe(false);
  });

  it("features per interpreter, and interpreters grouped by them in first-seen order", () => {
    expect(featuresFor(["x"], [abi3, { feature: "x", pythonVersion: ">=3" }], cp(12))).toEqual(["x", "pyo3/abi3-py311"]);
    expect(groupByFeatures(["x"], [abi3], [cp(12), cp(10), cp(11)])).toEqual([
      { features: ["x", "pyo3/abi3-py311"], interpreters: [cp(12), cp(11)] },
      { features: ["x"], interpreters: [cp(10)] },
    ]);
  });

  it("[tool.maturin] features reads names and {feature, python-version, python-implementation} tables", () => {
    const raw = parseToml('features = ["a,b", { feature = "pyo3/abi3-py311", python-version = ">=3.11" }, { feature = "plain" }, { feature = "pp", python-implementation = "pypy" }]', "pyproject.toml");
    const t = readToolConfig(new Fields("pyproject.toml", "tool.maturin", raw), "maturin");
    expect(t.features).toEqual(["a", "b", "plain"]);
    expect(t.conditionalFeatures).toEqual([abi3, { feature: "pp", pythonImplementation: "pypy" }]);
    const bad = (toml: string) => () => readToolConfig(new Fields("pyproject.toml", "tool.pyts-build", parseToml(toml, "pyproject.toml")));
    expect(bad('features = [{ feature = "x", python-version = "3.11" }]')).toThrow(/pyproject.toml: tool.pyts-build.features\[0\].python-version "3.11" is not a PEP 440 specifier set/);
    expect(bad('features = [{ python-version = ">=3.11" }]')).toThrow(/tool.pyts-build.features\[0\].feature is missing/);
    expect(bad('features = [{ feature = "x", when = "y" }]')).toThrow(/when/);
  });
});
