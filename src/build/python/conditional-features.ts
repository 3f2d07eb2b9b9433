/**
 * maturin's conditional features (`features = [{ feature = "pyo3/abi3-py311",
 * python-version = ">=3.11" }]`): which cargo features a build for one
 * interpreter turns on, and how interpreters group into builds when those
 * differ (a group whose features make pyo3 abi3 builds once for all its
 * CPythons; the others build per interpreter).
 */
import type { ConditionalFeature } from "../project/tool-config.js";
import type { InterpreterInfo } from "./interpreter-info.js";
import { pythonVersionMatches } from "./interpreter.js";

/** Whether every condition of `c` holds for the interpreter. */
export function featureApplies(c: ConditionalFeature, i: Pick<InterpreterInfo, "major" | "minor" | "implementation">): boolean {
  if (c.pythonVersion !== undefined && !pythonVersionMatches(c.pythonVersion, i.major, i.minor)) return false;
  if (c.pythonImplementation !== undefined && c.pythonImplementation.toLowerCase() !== i.implementation.toLowerCase()) return false;
  return true;
}

/** The build's features for one interpreter: `base`, then the conditional ones it matches (in their order, once each). */
export function featuresFor(base: string[], conditional: ConditionalFeature[], i: Pick<InterpreterInfo, "major" | "minor" | "implementation">): string[] {
  const out = [...base];
  for (const c of conditional) if (featureApplies(c, i) && !out.includes(c.feature)) out.push(c.feature);
  return out;
}

/** Interpreters grouped by the features they build with, groups in the order of their first interpreter. */
export function groupByFeatures<I extends Pick<InterpreterInfo, "major" | "minor" | "implementation">>(base: string[], conditional: ConditionalFeature[], interps: I[]): Array<{ features: string[]; interpreters: I[] }> {
  const groups = new Map<string, { features: string[]; interpreters: I[] }>();
  for (const i of interps) {
    const features = featuresFor(base, conditional, i);
    const key = JSON.stringify(features);
    const g = groups.get(key) ?? { features, interpreters: [] };
    g.interpreters.push(i);
    groups.set(key, g);
  }
  return [...groups.values()];
}
