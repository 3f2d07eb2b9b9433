/** The cargo options of one build: what the command line asks, merged with the project's configuration. */
import type { ToolConfig } from "../project/tool-config.js";

export interface CargoOptions {
  manifestPath: string;
  /** -r/--release (ignored when profile is given). */
  release?: boolean;
  profile?: string;
  features?: string[];
  allFeatures?: boolean;
  noDefaultFeatures?: boolean;
  target?: string;
  locked?: boolean;
  frozen?: boolean;
  offline?: boolean;
  /** `--config KEY=VALUE` (or a config file path), in order. */
  config?: string[];
  /** `-Z` unstable flags (nightly cargo). */
  unstableFlags?: string[];
  /** Trailing arguments for rustc (after `--`). */
  rustcArgs?: string[];
}

/**
 * Cargo options of one build: the command line's win for single values,
 * lists and switches from the config are added to the command line's.
 */
export function cargoOptionsOf<T extends Omit<CargoOptions, "manifestPath">>(tool: ToolConfig, cli: T, manifestPath: string): T & CargoOptions {
  const union = (a: string[] | undefined, b: string[]) => [...new Set([...b, ...(a ?? [])])];
  const o: T & CargoOptions = { ...cli, manifestPath, features: union(cli.features, tool.features) };
  const profile = cli.profile ?? tool.profile;
  if (profile !== undefined) o.profile = profile;
  const target = cli.target ?? tool.target;
  if (target !== undefined) o.target = target;
  if (tool.allFeatures) o.allFeatures = true;
  if (tool.noDefaultFeatures) o.noDefaultFeatures = true;
  if (tool.locked) o.locked = true;
  if (tool.frozen) o.frozen = true;
  if (tool.cargoConfig.length > 0) o.config = [...tool.cargoConfig, ...(cli.config ?? [])];
  if (tool.unstableFlags.length > 0) o.unstableFlags = [...tool.unstableFlags, ...(cli.unstableFlags ?? [])];
  if (tool.rustcArgs.length > 0) o.rustcArgs = [...tool.rustcArgs, ...(cli.rustcArgs ?? [])];
  return o;
}
