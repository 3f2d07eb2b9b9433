/** Shared fixtures for test/wheel. */
import { expect } from "vitest";
import { ValidationError } from "../../src/errors.js";
import { type CoreMetadata, emptyMetadata } from "../../src/wheel/metadata.js";

export function baseMetadata(over: Partial<CoreMetadata> = {}): CoreMetadata {
  return { ...emptyMetadata("Spam-Eggs", "1.0"), ...over };
}

/** Runs `fn`, which must throw a ValidationError; returns it for further checks. */
export function validationErrorOf(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return e as ValidationError;
  }
  throw new Error("expected a ValidationError, nothing was thrown");
}
