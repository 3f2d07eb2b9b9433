/**
 * binutils' readelf as an independent oracle for the ELF reader: run it on a
 * file and pull out the facts the reader also reports.
 */
import { execFileSync } from "node:child_process";

export interface ReadelfFacts {
  needed: string[];
  soname: string | undefined;
  rpath: string[];
  runpath: string[];
  interpreter: string | undefined;
  /** library -> [version, weak] in file order */
  versionNeeds: { file: string; versions: { name: string; weak: boolean }[] }[];
  versionDefs: string[];
  /** `name`, `name@VER` or `name@@VER`, plus UND-ness */
  symbols: { name: string; version?: string; hidden: boolean; defined: boolean; bind: string }[];
  isa: string | undefined;
  buildId: string | undefined;
  machine: string;
  cls: string;
}

function readelf(args: string[], file: string): string {
  return execFileSync("readelf", ["-W", ...args, file], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024, env: { ...process.env, LC_ALL: "C" } });
}

export function readelfFacts(file: string): ReadelfFacts {
  const d = readelf(["-d"], file);
  const lib = (kind: string) => [...d.matchAll(new RegExp(`\\(${kind}\\)\\s+[^\\[]*\\[([^\\]]*)\\]`, "g"))].map((m) => m[1]!);
  const split = (xs: string[]) => xs.flatMap((x) => x.split(":")).filter((x) => x !== "");

  const v = readelf(["-V"], file);
  const versionNeeds: ReadelfFacts["versionNeeds"] = [];
  const versionDefs: string[] = [];
  let section = "";
  for (const line of v.split("\n")) {
    if (line.startsWith("Version needs section")) section = "need";
    else if (line.startsWith("Version definition section")) section = "def";
    else if (line.startsWith("Version symbols section")) section = "sym";
    const file = /^\s*[0-9a-fx]+: Version: \d+\s+File: (\S+)\s+Cnt: \d+/.exec(line);
    if (section === "need" && file) versionNeeds.push({ file: file[1]!, versions: [] });
    const need = /^\s*0x[0-9a-f]+:\s+Name: (\S+)\s+Flags: (\S+)/.exec(line);
    if (section === "need" && need) versionNeeds.at(-1)!.versions.push({ name: need[1]!, weak: need[2]!.includes("WEAK") });
    const def = /^\s*(?:0x)?[0-9a-f]+: Rev: \d+\s+Flags: \S+\s+Index: \d+\s+Cnt: \d+\s+Name: (\S+)/.exec(line);
    if (section === "def" && def) versionDefs.push(def[1]!);
  }

  const s = readelf(["--dyn-syms"], file);
  const symbols: ReadelfFacts["symbols"] = [];
  let inDynsym = false;
  for (const line of s.split("\n")) {
    if (line.startsWith("Symbol table '.dynsym'")) inDynsym = true;
    else if (line.startsWith("Symbol table")) inDynsym = false;
    const m = /^\s*(\d+): [0-9a-f]+\s+\S+\s+\S+\s+(\S+)\s+\S+\s+(\S+)\s*(.*)$/.exec(line);
    if (!inDynsym || !m || m[1] === "0") continue;
    const raw = m[4]!.replace(/ \(\d+\)$/, "");
    const at = /^([^@]*)(@@?)(.*)$/.exec(raw);
    symbols.push({
      name: at ? at[1]! : raw,
      version: at ? at[3]! : undefined,
      hidden: at ? at[2] === "@" && m[3] !== "UND" : false,
      defined: m[3] !== "UND",
      bind: m[2]!.toLowerCase(),
    });
  }

  const l = readelf(["-l"], file);
  const interp = /Requesting program interpreter: ([^\]]+)\]/.exec(l);
  const n = readelf(["-n"], file);
  const isa = /x86 ISA needed: (.*)/.exec(n);
  const bid = /Build ID: ([0-9a-f]+)/.exec(n);
  const h = readelf(["-h"], file);
  return {
    needed: lib("NEEDED"),
    soname: lib("SONAME")[0],
    rpath: split(lib("RPATH")),
    runpath: split(lib("RUNPATH")),
    interpreter: interp?.[1],
    versionNeeds,
    versionDefs,
    symbols,
    isa: isa?.[1]?.trim(),
    buildId: bid?.[1],
    machine: /Machine:\s+(.*)/.exec(h)![1]!.trim(),
    cls: /Class:\s+(\S+)/.exec(h)![1]!,
  };
}
