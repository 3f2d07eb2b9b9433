/**
 * Where a generated workflow's jobs get pyts-build from (`generate-ci
 * --install-from`): a package spec for the npm registry (the default,
 * `pyts-build@<this version>`, which needs that release published there), a
 * tarball URL (what `npm pack` makes, e.g. attached to a release), or a git
 * URL (cloned, built and packed in the job: npm's own git install would skip
 * the build). Pure.
 */
import { ConfigError } from "../errors.js";

export type InstallSource =
  | { kind: "npm"; spec: string }
  | { kind: "tarball"; url: string }
  | { kind: "git"; url: string; ref?: string };

// what may stand in a double-quoted shell word and a YAML string without escaping
const SAFE = /^[A-Za-z0-9@:/._~^+#=?&%,-]+$/;
const NPM_NAME = /^(@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;
const HOSTED = /^(github|gitlab|bitbucket):([\w.-]+\/[\w.-]+)$/;
const HOSTS: Record<string, string> = { github: "github.com", gitlab: "gitlab.com", bitbucket: "bitbucket.org" };

const EXAMPLES = "e.g. pyts-build@0.2.0, https://example.org/pyts-build-0.1.0.tgz (made by npm pack), git+https://github.com/OWNER/pyts-build.git#v0.1.0";

/** Read `--install-from`; a ConfigError naming the accepted forms otherwise. */
export function parseInstallFrom(text: string): InstallSource {
  const bad = (why: string) => new ConfigError(`--install-from "${text}" ${why}`, EXAMPLES);
  if (!SAFE.test(text)) throw bad("has characters a workflow cannot carry safely (spaces, quotes, $, ...)");
  const [base = "", ref, ...more] = text.split("#");
  if (more.length > 0 || ref === "") throw bad("has a bad #ref part");
  const withRef = (url: string): InstallSource => ({ kind: "git", url, ...(ref !== undefined ? { ref } : {}) });
  const hosted = HOSTED.exec(base);
  if (hosted) return withRef(`https://${HOSTS[hosted[1] as string]}/${(hosted[2] as string).replace(/\.git$/, "")}.git`);
  if (/^git\+(https?|ssh|file):\/\/./.test(base)) return withRef(base.slice("git+".length));
  if (/^git:\/\/./.test(base) || /^https?:\/\/.+\.git$/.test(base)) return withRef(base);
  if (ref !== undefined) throw bad("has a #ref, which only a git URL takes");
  if (/^https?:\/\/[^/]+\/.*\.(tgz|tar\.gz)(\?.*)?$/.test(base)) return { kind: "tarball", url: base };
  if (/^[a-z][a-z0-9+.-]*:/i.test(base)) throw bad("is not a URL npm or git can install from (a tarball URL ends in .tgz, a git URL starts with git+ or ends in .git)");
  const at = base.lastIndexOf("@");
  const name = at > 0 ? base.slice(0, at) : base;
  if (!NPM_NAME.test(name) || (at > 0 && at === base.length - 1)) throw bad("is not an npm package spec, a tarball URL or a git URL");
  return { kind: "npm", spec: base };
}

/** The spec or URL, as a reader of the workflow's comment sees it. */
export function describeInstallSource(s: InstallSource): string {
  if (s.kind === "npm") return `${s.spec} from the npm registry`;
  if (s.kind === "tarball") return `the package tarball ${s.url}`;
  return `${s.url}${s.ref !== undefined ? ` at ${s.ref}` : ""} (cloned, built and packed in each job)`;
}
