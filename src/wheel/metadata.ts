/** Core metadata (version 2.4): the METADATA file of a wheel and PKG-INFO of an sdist. */

export interface Person {
  name?: string;
  email?: string;
}

/** Everything METADATA can say, already validated and normalized by src/build. */
export interface CoreMetadata {
  name: string; // as the user wrote it (display name); validated PEP 508 name
  version: string; // normalized PEP 440
  summary?: string;
  description?: { body: string; contentType: string };
  requiresPython?: string;
  requiresDist: string[];
  providesExtra: string[];
  authors: Person[];
  maintainers: Person[];
  keywords: string[];
  classifiers: string[];
  projectUrls: Array<[label: string, url: string]>;
  homePage?: string;
  licenseExpression?: string; // SPDX
  license?: string; // legacy free text, when no SPDX expression
  licenseFiles: string[]; // paths relative to dist-info/licenses/
  dynamic: string[]; // PKG-INFO only (PEP 643)
}

// renderMetadata(m: CoreMetadata): string  -- implemented below
