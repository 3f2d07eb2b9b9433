/**
 * A hook that reports the expensive steps of an audit or repair as they happen,
 * so tests and the bench can count them: the repair path must extract a wheel
 * once, read each ELF file once and resolve each library once (issue 10).
 */
export type WorkKind =
  /** a whole wheel extracted to a scratch folder (`what`: the wheel's path) */
  | "extract"
  /** an ELF file parsed (`what`: its path) */
  | "elf"
  /** a DT_NEEDED name looked up for an object (`what`: `name <- requester`) */
  | "resolve";

export type WorkTrace = (kind: WorkKind, what: string) => void;

/** A WorkTrace that counts each kind and each `what`. */
export function workCounter(): { trace: WorkTrace; counts: Record<WorkKind, Map<string, number>> } {
  const counts: Record<WorkKind, Map<string, number>> = { extract: new Map(), elf: new Map(), resolve: new Map() };
  return {
    counts,
    trace: (kind, what) => counts[kind].set(what, (counts[kind].get(what) ?? 0) + 1),
  };
}
