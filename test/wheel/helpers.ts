/** Shared fixtures for test/wheel. */
import type { CoreMetadata } from "../../src/wheel/metadata.js";

export function baseMetadata(over: Partial<CoreMetadata> = {}): CoreMetadata {
  return {
    name: "Spam-Eggs",
    version: "1.0",
    requiresDist: [],
    providesExtra: [],
    authors: [],
    maintainers: [],
    keywords: [],
    classifiers: [],
    projectUrls: [],
    licenseFiles: [],
    dynamic: [],
    ...over,
  };
}
