/**
 * The audit and repair run on the host, but the libraries an extension loads
 * are the container's. The container's loader (ldd) names them; they are
 * copied out into a mirror tree on the host at their container paths, with the
 * container's ld.so.conf, and the audit searches that tree as the system root.
 * So the verdict and the grafted files are exactly the image's.
 */
import { rmSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { ContainerError } from "../../errors.js";
import { elfIdentity, type SearchContext, systemSearchContext } from "../audit/ld-paths.js";
import type { PackageSource } from "../audit/repair.js";
import type { ContainerSession } from "./session.js";

/** Paths from `ldd` output (glibc or musl); "not found" entries and the vDSO are left out. */
export function parseLdd(stdout: string): string[] {
  const out: string[] = [];
  for (const raw of stdout.split("\n")) {
    const line = raw.trim();
    let m = /^\S+ => (\/\S+) \(0x[0-9a-f]+\)$/.exec(line);
    if (!m) m = /^(\/\S+) \(0x[0-9a-f]+\)$/.exec(line); // the loader itself
    if (m && !out.includes(m[1] as string)) out.push(m[1] as string);
  }
  return out;
}

/**
 * Copy each path (and the file behind it) under `$1` keeping its absolute
 * path; the container's loader configuration too. Runs as the build user, so
 * the copies belong to the host user.
 */
export const COPY_SCRIPT = `set -e
dest=$1; shift
for p in "$@"; do
  r=$(readlink -f "$p")
  mkdir -p "$dest$(dirname "$r")"
  cp -L "$r" "$dest$r"
  if [ "$p" != "$r" ]; then mkdir -p "$dest$(dirname "$p")"; ln -sf "$dest$r" "$dest$p"; fi
done
mkdir -p "$dest/etc"
if [ -f /etc/ld.so.conf ]; then cp /etc/ld.so.conf "$dest/etc/"; fi
if [ -d /etc/ld.so.conf.d ]; then cp -R /etc/ld.so.conf.d "$dest/etc/"; fi
`;

/**
 * Mirror the libraries `file` (a path valid inside and outside the container)
 * loads in the container into `mirror`; return the audit's search context for
 * that tree (the image's LD_LIBRARY_PATH included).
 */
export async function mirrorContainerLibraries(session: ContainerSession, file: string, mirror: string, imageEnv: Record<string, string>): Promise<SearchContext> {
  const ldd = await session.exec(["ldd", file]);
  if (ldd.code !== 0 && ldd.stdout.trim() === "") {
    throw new ContainerError(`ldd could not list the libraries of ${file} inside ${session.spec.image}: ${(ldd.stderr || "no output").trim().split("\n").pop() ?? ""}`, "the build image needs ldd (glibc's libc-bin / glibc-common, or musl's ldd)");
  }
  const paths = parseLdd(ldd.stdout);
  rmSync(mirror, { recursive: true, force: true });
  mkdirSync(mirror, { recursive: true });
  await session.execOk(["sh", "-c", COPY_SCRIPT, "sh", mirror, ...paths], "copying the extension's libraries out of the container");
  const ldLibraryPath = (imageEnv.LD_LIBRARY_PATH ?? "")
    .split(":")
    .filter((d) => d.startsWith("/"))
    .map((d) => join(mirror, d))
    .join(":");
  const elfClass = elfIdentity(file)?.elfClass ?? 64;
  return systemSearchContext({ root: mirror, env: { LD_LIBRARY_PATH: ldLibraryPath }, elfClass });
}

/**
 * Who knows the packages of the mirrored libraries: the image's own package
 * manager, asked about each library's path in the container, and the image's
 * os-release, so the auditwheel SBOM of a repaired wheel names the image's
 * packages, as auditwheel run inside the image would.
 */
export function containerPackages(session: ContainerSession, mirror: string): PackageSource {
  const prefix = mirror.replace(/\/+$/, "");
  return {
    ask: async (cmd, args) => {
      const r = await session.exec([cmd, ...args]);
      return r.code === 0 ? r.stdout : undefined;
    },
    osRelease: async () => {
      const r = await session.exec(["cat", "/etc/os-release"]);
      return r.code === 0 ? r.stdout : "";
    },
    pathThere: (f) => (f.startsWith(`${prefix}/`) ? f.slice(prefix.length) : f),
  };
}
