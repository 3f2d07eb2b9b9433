/**
 * The manylinux / musllinux policy table, written from the PEPs and from facts
 * about real systems; docs/manylinux-policy.md says where each number comes from.
 *
 * A manylinux_2_Y policy (PEP 600) allows: the libraries of `libraryWhitelist`
 * outside the wheel, glibc symbol versions up to GLIBC_2.Y, and libstdc++ /
 * libgcc_s versions up to those of the reference system of that glibc era.
 */
import type { ElfArch } from "./elf.js";

export type PolicyFamily = "manylinux" | "musllinux";

/** A dotted version as numbers: GLIBC_2.3.4 -> [2, 3, 4]. */
export type Version = readonly number[];

export function compareVersions(a: Version, b: Version): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export function parseVersion(s: string): Version | undefined {
  return /^\d+(\.\d+)*$/.test(s) ? s.split(".").map(Number) : undefined;
}

/** The symbol-version namespaces a policy limits; other versions (ZLIB_1.2.9, ...) are not governed. */
export type Namespace = "GLIBC" | "GLIBCXX" | "CXXABI" | "GCC";

export interface Policy {
  /** PEP 600 / PEP 656 name: `manylinux_2_17`, `musllinux_1_2` */
  name: string;
  family: PolicyFamily;
  /** glibc (manylinux) or musl (musllinux) version */
  version: readonly [number, number];
  /** legacy names (PEP 513/571/599): `manylinux2014` */
  aliases: string[];
  arch: ElfArch;
  /** larger = more compatible (installs on more systems) */
  priority: number;
  /** DT_NEEDED names allowed to stay outside the wheel */
  libraries: ReadonlySet<string>;
  /** highest allowed version per namespace (manylinux only) */
  limits: Readonly<Record<Namespace, Version>> | undefined;
  /** non-numeric version names allowed (CXXABI_TM_1, GLIBC_ABI_DT_RELR ...) */
  extraVersions: ReadonlySet<string>;
}

export const ARCHES: readonly ElfArch[] = ["x86_64", "i686", "aarch64", "armv7l", "ppc64", "ppc64le", "s390x", "riscv64", "loongarch64"];

/** The oldest manylinux policy per architecture (first glibc with a port the ecosystem builds for). */
export const FIRST_GLIBC_MINOR: Readonly<Record<ElfArch, number>> = {
  x86_64: 5,
  i686: 5,
  aarch64: 17,
  armv7l: 17,
  ppc64: 17,
  ppc64le: 17,
  s390x: 17,
  riscv64: 31,
  loongarch64: 36,
};

/** The newest manylinux_2_Y this table defines (Debian 13 "trixie" ships glibc 2.41). */
export const NEWEST_GLIBC_MINOR = 41;

/** Legacy aliases (PEP 513, 571, 599) and the architectures each was defined for. */
const ALIASES: Record<number, { alias: string; arches: readonly ElfArch[] }> = {
  5: { alias: "manylinux1", arches: ["x86_64", "i686"] },
  12: { alias: "manylinux2010", arches: ["x86_64", "i686"] },
  17: { alias: "manylinux2014", arches: ["x86_64", "i686", "aarch64", "armv7l", "ppc64", "ppc64le", "s390x"] },
};

/** PEP 513/571/599's list (identical in 571 and 599; 513 also had the ncurses 5 libraries, dropped by 571). */
const PEP_LIBRARIES = [
  "libgcc_s.so.1",
  "libstdc++.so.6",
  "libm.so.6",
  "libdl.so.2",
  "librt.so.1",
  "libc.so.6",
  "libnsl.so.1",
  "libutil.so.1",
  "libpthread.so.0",
  "libresolv.so.2",
  "libX11.so.6",
  "libXext.so.6",
  "libXrender.so.1",
  "libICE.so.6",
  "libSM.so.6",
  "libGL.so.1",
  "libgobject-2.0.so.0",
  "libgthread-2.0.so.0",
  "libglib-2.0.so.0",
];

/** Libraries allowed in practice beyond the PEP lists, with the first glibc minor they are allowed from. */
const PRACTICE_LIBRARIES: readonly [string, number][] = [
  ["libz.so.1", 5], // zlib: stable ABI since 1.2.0, present in every base system
  ["libanl.so.1", 5], // part of glibc itself
  ["libatomic.so.1", 5], // GCC's runtime, shipped with libgcc_s
  ["libexpat.so.1", 12],
  ["libmvec.so.1", 24], // glibc's vector math library (2.22+), in every glibc-2.24-era system
];

/**
 * libstdc++ / libgcc_s limits per reference system. A policy uses the newest
 * era whose glibc is <= its own: conservative for glibc versions between them.
 * Numbers: PEPs for 2.5/2.12/2.17; after that the GCC of the reference system
 * mapped through libstdc++'s ABI documentation (GCC release -> GLIBCXX/CXXABI).
 */
interface Era {
  glibcMinor: number;
  system: string;
  GLIBCXX: string;
  CXXABI: string;
  GCC: string;
  extra: string[];
}
const ERAS: readonly Era[] = [
  { glibcMinor: 5, system: "CentOS 5 (PEP 513)", GLIBCXX: "3.4.8", CXXABI: "1.3.1", GCC: "4.2.0", extra: [] },
  { glibcMinor: 12, system: "CentOS 6 (PEP 571)", GLIBCXX: "3.4.13", CXXABI: "1.3.3", GCC: "4.5.0", extra: [] },
  { glibcMinor: 17, system: "CentOS 7 (PEP 599)", GLIBCXX: "3.4.19", CXXABI: "1.3.7", GCC: "4.8.0", extra: ["CXXABI_TM_1"] },
  { glibcMinor: 24, system: "Debian 9, GCC 6", GLIBCXX: "3.4.22", CXXABI: "1.3.10", GCC: "6.3.0", extra: ["CXXABI_TM_1"] },
  { glibcMinor: 28, system: "RHEL 8 / Debian 10, GCC 8", GLIBCXX: "3.4.25", CXXABI: "1.3.11", GCC: "8.0.0", extra: ["CXXABI_TM_1"] },
  { glibcMinor: 31, system: "Debian 11, GCC 10", GLIBCXX: "3.4.28", CXXABI: "1.3.12", GCC: "10.0.0", extra: ["CXXABI_TM_1"] },
  { glibcMinor: 34, system: "RHEL 9, GCC 11", GLIBCXX: "3.4.29", CXXABI: "1.3.13", GCC: "11.0.0", extra: ["CXXABI_TM_1"] },
  { glibcMinor: 36, system: "Debian 12, GCC 12", GLIBCXX: "3.4.30", CXXABI: "1.3.13", GCC: "12.0.0", extra: ["CXXABI_TM_1", "CXXABI_FLOAT128"] },
  { glibcMinor: 39, system: "Ubuntu 24.04 / RHEL 10, GCC 14", GLIBCXX: "3.4.33", CXXABI: "1.3.15", GCC: "14.0.0", extra: ["CXXABI_TM_1", "CXXABI_FLOAT128"] },
];

/** Non-numeric glibc version names and the glibc that introduced them. */
const GLIBC_NAMED_VERSIONS: readonly [string, number][] = [["GLIBC_ABI_DT_RELR", 36]];

/**
 * glibc functions/objects and the glibc minor that added them. A file that
 * references one of these undefined and non-weak needs that glibc even when the
 * reference carries no version (linked against a stub, or with undefined symbols
 * allowed). Checked against this machine's libc.so.6 in the tests.
 */
export const GLIBC_SYMBOL_INTRODUCED: Readonly<Record<string, number>> = {
  getauxval: 16,
  secure_getenv: 17,
  __cxa_thread_atexit_impl: 18,
  getrandom: 25,
  getentropy: 25,
  explicit_bzero: 25,
  reallocarray: 26,
  memfd_create: 27,
  copy_file_range: 27,
  statx: 28,
  gettid: 30,
  __libc_single_threaded: 32,
  close_range: 34,
  pidfd_open: 36,
};

/** musl symbols added after 1.1 (musl release notes); `*_time64` marks the 1.2 time_t ABI on 32-bit. */
export const MUSL_1_2_SYMBOLS: ReadonlySet<string> = new Set(["reallocarray", "qsort_r"]);

/** The dynamic loader is never a dependency to bundle or judge. */
export function isDynamicLoader(name: string): boolean {
  return /^ld-linux[-.]|^ld64\.so\.|^ld-musl-|^ld\.so\./.test(name);
}

/** musl's libc as binaries name it: `libc.so` (musl's own SONAME) or Alpine's `libc.musl-<arch>.so.1`. */
export function isMuslLibc(name: string): boolean {
  return name === "libc.so" || /^libc\.musl-[a-z0-9_]+\.so\.1$/.test(name);
}

/** `libpython3.11.so.1.0`, `libpython3.13t.so`, `libpython2.7.so.1`, the stable-ABI `libpython3.so` ... */
export function isLibpython(name: string): boolean {
  return /^libpython\d/.test(name);
}

function eraFor(minor: number): Era {
  let era = ERAS[0]!;
  for (const e of ERAS) if (e.glibcMinor <= minor) era = e;
  return era;
}

function manylinuxPolicy(minor: number, arch: ElfArch): Policy {
  const era = eraFor(minor);
  const alias = ALIASES[minor];
  const libs = [...PEP_LIBRARIES, ...PRACTICE_LIBRARIES.filter(([, from]) => minor >= from).map(([l]) => l)];
  // CentOS 7's aarch64 glibc 2.17 also exports GLIBC_2.18 (a backport), so manylinux2014 allows it there
  const glibcMax = arch === "aarch64" && minor === 17 ? [2, 18] : [2, minor];
  return {
    name: `manylinux_2_${minor}`,
    family: "manylinux",
    version: [2, minor],
    aliases: alias && alias.arches.includes(arch) ? [alias.alias] : [],
    arch,
    priority: 1000 - minor,
    libraries: new Set(libs),
    limits: { GLIBC: glibcMax, GLIBCXX: parseVersion(era.GLIBCXX)!, CXXABI: parseVersion(era.CXXABI)!, GCC: parseVersion(era.GCC)! },
    extraVersions: new Set([...era.extra, ...GLIBC_NAMED_VERSIONS.filter(([, from]) => minor >= from).map(([n]) => n)]),
  };
}

function musllinuxPolicy(minor: number, arch: ElfArch): Policy {
  return {
    name: `musllinux_1_${minor}`,
    family: "musllinux",
    version: [1, minor],
    aliases: [],
    arch,
    priority: 100 - minor,
    libraries: new Set(["libc.so", `libc.musl-${arch}.so.1`, "libgcc_s.so.1", "libstdc++.so.6"]),
    limits: undefined,
    extraVersions: new Set(),
  };
}

/** The manylinux glibc minors that get a policy: the three legacy ones, then every minor from 2.17 on. */
function manylinuxMinors(arch: ElfArch): number[] {
  const out: number[] = [];
  for (const m of [5, 12]) if (m >= FIRST_GLIBC_MINOR[arch]) out.push(m);
  for (let m = Math.max(17, FIRST_GLIBC_MINOR[arch]); m <= NEWEST_GLIBC_MINOR; m++) out.push(m);
  return out;
}

const cache = new Map<string, Policy[]>();

/** All policies of a family for an architecture, most compatible first. */
export function policiesFor(arch: ElfArch, family: PolicyFamily = "manylinux"): Policy[] {
  const key = `${family}/${arch}`;
  let list = cache.get(key);
  if (!list) {
    list =
      family === "manylinux"
        ? manylinuxMinors(arch).map((m) => manylinuxPolicy(m, arch))
        : arch === "ppc64"
          ? [] // musl has no big-endian ppc64 port in use
          : arch === "loongarch64"
            ? [musllinuxPolicy(2, arch)] // musl's loongarch64 port arrived in 1.2.5
            : [musllinuxPolicy(1, arch), musllinuxPolicy(2, arch)];
    list.sort((a, b) => b.priority - a.priority);
    cache.set(key, list);
  }
  return list;
}

/**
 * A policy name or platform tag without its architecture suffix:
 * `manylinux_2_17_x86_64` -> `manylinux_2_17`, `manylinux2014_x86_64` ->
 * `manylinux2014`; a name without the suffix is returned as it is. The one
 * place for this: policy lookup, audit reports and the container images use it.
 */
export function withoutArchSuffix(name: string, arch: string): string {
  const suffix = `_${arch}`;
  return arch !== "" && name.endsWith(suffix) && name.length > suffix.length ? name.slice(0, -suffix.length) : name;
}

/**
 * A policy by any of its names: `manylinux2014`, `manylinux_2_17`,
 * `manylinux_2_17_x86_64`, `musllinux_1_2`. Undefined when unknown for the arch.
 */
export function findPolicy(name: string, arch: ElfArch): Policy | undefined {
  const bare = withoutArchSuffix(name, arch);
  const family: PolicyFamily = bare.startsWith("musllinux") ? "musllinux" : "manylinux";
  return policiesFor(arch, family).find((p) => p.name === bare || p.aliases.includes(bare));
}

/** Every name a user may write for a policy family: for error hints. */
export function policyNames(arch: ElfArch): string[] {
  const ps = [...policiesFor(arch, "manylinux"), ...policiesFor(arch, "musllinux")];
  return ps.flatMap((p) => [...p.aliases, p.name]);
}

/** `manylinux_2_17 (manylinux2014)` for messages. */
export function policyLabel(p: Policy): string {
  return p.aliases.length ? `${p.name} (${p.aliases.join(", ")})` : p.name;
}

/** The platform tags a wheel meeting `p` carries: the PEP 600 name and the legacy alias, sorted. */
export function platformTags(p: Policy): string[] {
  return [p.name, ...p.aliases].map((n) => `${n}_${p.arch}`).sort();
}

export function linuxPlatformTag(arch: ElfArch): string {
  return `linux_${arch}`;
}

/** Split a version-need name into its namespace and number: `GLIBCXX_LDBL_3.4.10` -> GLIBCXX, [3,4,10]. */
export function splitVersionName(name: string): { namespace: Namespace; version: Version } | undefined {
  const m = /^(GLIBC|GLIBCXX|CXXABI|GCC)_(?:(?:LDBL|IEEE128)_)?(\d+(?:\.\d+)*)$/.exec(name);
  if (!m) return undefined;
  return { namespace: m[1] as Namespace, version: parseVersion(m[2]!)! };
}

const GOVERNED_PREFIX = /^(GLIBC|GLIBCXX|CXXABI|GCC)_/;

/**
 * Whether a policy allows a symbol version needed from an outside library:
 * "allowed", "denied", or "ungoverned" (a namespace no policy limits, e.g. ZLIB_1.2.9).
 */
export function versionVerdict(p: Policy, name: string): "allowed" | "denied" | "ungoverned" {
  if (!p.limits) return "ungoverned";
  if (p.extraVersions.has(name)) return "allowed";
  const split = splitVersionName(name);
  if (split) return compareVersions(split.version, p.limits[split.namespace]) <= 0 ? "allowed" : "denied";
  // GLIBC_PRIVATE, GLIBC_ABI_* not yet allowed, CXXABI_FLOAT128 before its era ...
  return GOVERNED_PREFIX.test(name) ? "denied" : "ungoverned";
}

/** The glibc minor a version name implies (GLIBC_2.28 -> 28, GLIBC_ABI_DT_RELR -> 36), if any. */
export function glibcMinorOf(name: string): number | undefined {
  const named = GLIBC_NAMED_VERSIONS.find(([n]) => n === name);
  if (named) return named[1];
  const split = splitVersionName(name);
  return split?.namespace === "GLIBC" && split.version[0] === 2 ? (split.version[1] ?? 0) : undefined;
}
