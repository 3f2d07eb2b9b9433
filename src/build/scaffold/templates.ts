/**
 * The files of a new project (`pyts-build new` / `init`), as text: a pure
 * function of the options and the pyo3 version cargo resolved, so that every
 * template can be checked without cargo. The PyO3 API the code uses follows that
 * version: `&PyModule` before 0.21, `&Bound<'_, PyModule>` from 0.21 on; the
 * `extension-module` feature before 0.26 (from 0.26 on the build tool sets
 * PYO3_BUILD_EXTENSION_MODULE instead).
 */

export type NewBindings = "pyo3" | "cffi" | "bin";
export const NEW_BINDINGS: readonly NewBindings[] = ["pyo3", "cffi", "bin"];

export interface TemplateOptions {
  /** The Python project name (`[project] name`), also the crate's package name. */
  name: string;
  bindings: NewBindings;
  /** A Python package in `python/` around the compiled part. */
  mixed: boolean;
  /** The pyo3 version cargo resolved (bindings pyo3 only), e.g. "0.17.3". */
  pyo3Version?: string;
}

export interface TemplateFile {
  /** Relative, `/`-separated. */
  path: string;
  content: string;
}

/** `My-Project.x` -> `my_project_x`: the import name of the package and the crate's lib name. */
export function importNameFor(name: string): string {
  return name.toLowerCase().replace(/[-.]+/g, "_");
}

/** A Cargo package name from a project name (cargo allows letters, digits, `-` and `_`). */
export function crateNameFor(name: string): string {
  return name.replace(/\./g, "_");
}

function versionTuple(v: string): number[] {
  return v
    .replace(/^[^\d]*/, "")
    .split(/[.+-]/)
    .slice(0, 3)
    .map((x) => Number.parseInt(x, 10) || 0);
}

/** Whether pyo3 `version` is `major.minor` or newer. */
export function pyo3AtLeast(version: string, minor: number): boolean {
  const [maj = 0, min = 0] = versionTuple(version);
  return maj > 0 || min >= minor;
}

/** The dependency line for pyo3 in Cargo.toml. */
export function pyo3Dependency(version: string): string {
  // 0.26+: the build tool sets PYO3_BUILD_EXTENSION_MODULE; the feature is deprecated there
  return pyo3AtLeast(version, 26) ? `pyo3 = "${version}"\n` : `pyo3 = { version = "${version}", features = ["extension-module"] }\n`;
}

/** The `#[pymodule]` for pyo3 `version`, exposing `add`, as a Python module named `module`. */
export function pyo3ModuleSource(version: string, module: string, fnName: string): string {
  const bound = pyo3AtLeast(version, 21);
  const signature = bound ? "m: &Bound<'_, PyModule>" : "_py: Python<'_>, m: &PyModule";
  const rename = fnName === module ? "" : `#[pyo3(name = "${module}")]\n`;
  return (
    `use pyo3::prelude::*;\n\n` +
    `/// Add two integers (an example: replace it with your own functions).\n` +
    `#[pyfunction]\n` +
    `fn add(a: i64, b: i64) -> i64 {\n` +
    `    a + b\n` +
    `}\n\n` +
    `/// The Python module \`${module}\`: every function it exposes is added here.\n` +
    `#[pymodule]\n` +
    rename +
    `fn ${fnName}(${signature}) -> PyResult<()> {\n` +
    `    m.add_function(wrap_pyfunction!(add, m)?)?;\n` +
    `    Ok(())\n` +
    `}\n`
  );
}

/**
 * The exported C functions of a cffi project (cbindgen turns them into the header).
 * Edition 2024 requires `#[unsafe(no_mangle)]`; older editions keep `#[no_mangle]`,
 * which older cbindgen releases (Debian 12's 0.24) also recognise.
 */
export function cffiSource(edition = "2021"): string {
  const noMangle = Number(edition) >= 2024 ? "#[unsafe(no_mangle)]" : "#[no_mangle]";
  return (
    `//! Functions exported with the C ABI; the build generates a header from them\n` +
    `//! (cbindgen) and cffi turns that header into the Python module \`lib\`.\n\n` +
    `/// Add two integers (an example: replace it with your own functions).\n` +
    `${noMangle}\n` +
    `pub extern "C" fn add(a: i64, b: i64) -> i64 {\n` +
    `    a + b\n` +
    `}\n`
  );
}

function binSource(name: string): string {
  return `fn main() {\n    println!("hello from ${name}");\n}\n`;
}

/** The extension's dotted module name: `pkg` (pure) or `pkg._pkg` (mixed). */
export function moduleNameFor(o: Pick<TemplateOptions, "name" | "mixed">): string {
  const pkg = importNameFor(o.name);
  return o.mixed ? `${pkg}._${pkg}` : pkg;
}

/** The first Python version the project supports (pyts-build's and pyo3's floor). */
export const REQUIRES_PYTHON = ">=3.8";

export function cargoToml(o: TemplateOptions): string {
  const crate = crateNameFor(o.name);
  let s = `[package]\nname = "${crate}"\nversion = "0.1.0"\nedition = "2021"\n\n`;
  if (o.bindings === "bin") return s + `[dependencies]\n`;
  s += `[lib]\nname = "${importNameFor(o.name)}"\ncrate-type = ["cdylib"]\n\n[dependencies]\n`;
  if (o.bindings === "pyo3") s += pyo3Dependency(requirePyo3(o));
  return s;
}

function requirePyo3(o: TemplateOptions): string {
  if (o.pyo3Version === undefined) throw new Error("internal: pyo3 bindings need the resolved pyo3 version");
  return o.pyo3Version;
}

/** pyproject.toml: pyts-build as the backend, the version from Cargo.toml. */
export function pyprojectToml(o: Pick<TemplateOptions, "name" | "bindings" | "mixed">, extra: { readme?: boolean } = { readme: true }): string {
  let s =
    `[build-system]\nrequires = ["pyts-build"]\nbuild-backend = "pyts_build"\n\n` +
    `[project]\nname = "${o.name}"\n` +
    `dynamic = ["version"]  # from Cargo.toml\n` +
    (extra.readme ? `readme = "README.md"\n` : "") +
    `requires-python = "${REQUIRES_PYTHON}"\n` +
    `classifiers = [\n    "Programming Language :: Rust",\n    "Programming Language :: Python :: Implementation :: CPython",\n` +
    (o.bindings === "cffi" || o.bindings === "bin" ? `    "Programming Language :: Python :: Implementation :: PyPy",\n` : "") +
    `]\n\n[tool.pyts-build]\nbindings = "${o.bindings}"\n`;
  if (o.mixed) s += `python-source = "python"\nmodule-name = "${moduleNameFor(o)}"\n`;
  return s;
}

export const GITIGNORE_LINES = ["/target", "__pycache__/", "*.py[cod]", "*.so", "*.pyd", "*.whl", "/dist", ".venv/"];

/** `python/<pkg>/__init__.py` of a mixed project: re-exports the compiled module. */
function mixedInit(o: TemplateOptions): string {
  const pkg = importNameFor(o.name);
  const names = o.bindings === "cffi" ? ["ffi", "lib"] : ["add"];
  return (
    `"""${o.name}: Python code around the compiled module \`${pkg}._${pkg}\`."""\n\n` +
    `from ._${pkg} import ${names.join(", ")}\n\n` +
    `__all__ = [${names.map((n) => `"${n}"`).join(", ")}]\n`
  );
}

const STUB = `def add(a: int, b: int) -> int:\n    """Add two integers."""\n`;

/**
 * The generated test: plain `unittest`, so it runs under pytest,
 * `python -m unittest discover -s tests` and as a script alike.
 */
export function testFile(o: Pick<TemplateOptions, "name" | "bindings" | "mixed">, opts: { smoke?: boolean } = {}): string {
  const pkg = importNameFor(o.name);
  const cls = `Test${pkg.replace(/(^|_)([a-z0-9])/g, (_m, _u, c: string) => c.toUpperCase())}`;
  if (o.bindings === "bin") {
    const cmd = crateNameFor(o.name);
    return (
      `import shutil\nimport subprocess\nimport sys\nimport sysconfig\nimport unittest\n\n\n` +
      `def command():\n` +
      `    # the installed script sits next to this interpreter's other scripts\n` +
      `    return shutil.which("${cmd}", path=sysconfig.get_path("scripts")) or shutil.which("${cmd}")\n\n\n` +
      `class ${cls}(unittest.TestCase):\n` +
      `    def test_runs(self):\n` +
      `        exe = command()\n` +
      `        self.assertIsNotNone(exe, "${cmd} is not installed")\n` +
      `        ${opts.smoke ? "" : "out = "}subprocess.run([exe], stdout=subprocess.PIPE, check=True)${opts.smoke ? "" : ".stdout.decode()"}\n` +
      // an existing program's output is unknown here: the test only runs it
      (opts.smoke ? "" : `        self.assertEqual(out.strip(), "hello from ${o.name}")\n`) +
      `\n\nif __name__ == "__main__":\n    unittest.main()\n`
    );
  }
  const call = o.bindings === "cffi" ? `${pkg}.lib.add(2, 3)` : `${pkg}.add(2, 3)`;
  // an existing extension's functions are unknown here: the test only imports it
  const body = opts.smoke
    ? `    def test_imports(self):\n        self.assertEqual(${pkg}.__name__, "${pkg}")\n`
    : `    def test_add(self):\n        self.assertEqual(${call}, 5)\n`;
  return (
    `import unittest\n\nimport ${pkg}\n\n\n` +
    `class ${cls}(unittest.TestCase):\n` +
    body +
    `\n\n` +
    `if __name__ == "__main__":\n    unittest.main()\n`
  );
}

function readme(o: TemplateOptions): string {
  const pkg = importNameFor(o.name);
  const what =
    o.bindings === "bin" ? "a Rust program, installed as a command by pip" : o.bindings === "cffi" ? "a Rust library used through cffi" : "a Python extension module written in Rust with PyO3";
  return (
    `# ${o.name}\n\n${o.name} is ${what}.\n\n` +
    `Build a wheel and run the tests:\n\n` +
    "```sh\n" +
    `pyts-build develop          # or: pyts-build wheel, then pip install target/wheels/*.whl\n` +
    `python -m unittest discover -s tests\n` +
    "```\n" +
    (o.bindings === "bin" ? "" : `\nIn Python: \`import ${pkg}\`.\n`)
  );
}

/** Every file of a new project, in a fixed order. */
export function projectFiles(o: TemplateOptions): TemplateFile[] {
  const pkg = importNameFor(o.name);
  const files: TemplateFile[] = [
    { path: "Cargo.toml", content: cargoToml(o) },
    { path: "pyproject.toml", content: pyprojectToml(o) },
    { path: "README.md", content: readme(o) },
    { path: ".gitignore", content: GITIGNORE_LINES.join("\n") + "\n" },
  ];
  if (o.bindings === "bin") files.push({ path: "src/main.rs", content: binSource(o.name) });
  else if (o.bindings === "cffi") files.push({ path: "src/lib.rs", content: cffiSource() });
  else {
    const module = moduleNameFor(o).split(".").pop() as string;
    files.push({ path: "src/lib.rs", content: pyo3ModuleSource(requirePyo3(o), module, pkg) });
  }
  if (o.mixed) {
    files.push({ path: `python/${pkg}/__init__.py`, content: mixedInit(o) });
    if (o.bindings === "pyo3") {
      files.push({ path: `python/${pkg}/_${pkg}.pyi`, content: STUB });
      files.push({ path: `python/${pkg}/py.typed`, content: "" });
    }
  } else if (o.bindings === "pyo3") {
    files.push({ path: `${pkg}.pyi`, content: STUB });
  }
  files.push({ path: `tests/test_${pkg}.py`, content: testFile(o) });
  return files;
}
