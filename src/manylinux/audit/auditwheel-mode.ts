/** `--auditwheel` values (a leaf module, so the CLI can offer them without loading the audit). */
export type AuditwheelMode = "repair" | "check" | "warn" | "skip";
export const AUDITWHEEL_MODES: readonly AuditwheelMode[] = ["repair", "check", "warn", "skip"];
