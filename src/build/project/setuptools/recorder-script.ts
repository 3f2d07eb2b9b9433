/**
 * The Python program that records a setup.py's setup() call (run by
 * recorder.ts in the build interpreter): stand-ins for setuptools,
 * setuptools_rust and distutils take the place of the real ones, setup.cfg is
 * read as setuptools reads it, and setup() writes its keyword arguments as
 * JSON and ends the process. Nothing is built, nothing of setuptools is needed.
 */
export const RECORDER_SCRIPT = String.raw`# pyts-build's setup.py recorder: runs a project's setup.py (and reads its
# setup.cfg) with stand-ins for setuptools and setuptools_rust, records the
# keyword arguments given to setup() as JSON and exits. Nothing is built.
# argv: <project folder> <output file>
import enum, fnmatch, importlib.abc, importlib.machinery, json, os, sys, types

PROJECT, OUT = sys.argv[1], sys.argv[2]
os.chdir(PROJECT)


class Unrepresentable:
    """What setup.py takes from setuptools beyond setup() and the finders (Command subclasses...)."""

    def __init__(self, *args, **kwargs):
        pass

    def __init_subclass__(cls, **kwargs):
        pass


def _stub_attr(modname):
    def getattr_(name):
        if name.startswith("__"):
            raise AttributeError(name)
        return type(name, (Unrepresentable,), {"__module__": modname, "_pyts_origin": modname + "." + name})
    return getattr_


def _convert(p):
    return os.path.join(*p.split("/")) if p else p


def _match(name, patterns):
    return any(fnmatch.fnmatchcase(name, p) for p in patterns)


def _find(where, exclude, include, namespaces):
    where = _convert(str(where))
    exclude = ("ez_setup", "*__pycache__") + tuple(exclude)
    found = []
    for root, dirs, _files in os.walk(where, followlinks=True):
        all_dirs, dirs[:] = dirs[:], []
        for d in all_dirs:
            full = os.path.join(root, d)
            pkg = os.path.relpath(full, where).replace(os.path.sep, ".")
            if "." in d or not (namespaces or os.path.isfile(os.path.join(full, "__init__.py"))):
                continue
            if _match(pkg, include) and not _match(pkg, exclude):
                found.append(pkg)
            if pkg + "*" in exclude or pkg + ".*" in exclude:
                continue
            dirs.append(d)
    return found


def find_packages(where=".", exclude=(), include=("*",)):
    return _find(where, exclude, include, False)


def find_namespace_packages(where=".", exclude=(), include=("*",)):
    return _find(where, exclude, include, True)


class Extension(Unrepresentable):
    def __init__(self, name, sources=(), *args, **kwargs):
        self._pyts = {"__class__": "Extension", "name": name}


class Binding(enum.Enum):
    PyO3 = 1
    RustCPython = 2
    NoBinding = 3
    Exec = 4


class Strip(enum.Enum):
    No = 1
    Debug = 2
    All = 3


class RustExtension:
    def __init__(self, target, path="Cargo.toml", args=(), cargo_manifest_args=(), features=(), rustc_flags=(),
                 rust_version=None, quiet=False, debug=None, binding=Binding.PyO3, strip=Strip.No, script=False,
                 native=False, optional=False, py_limited_api="auto", env=None, generated_files=None):
        self._pyts = {"__class__": type(self).__name__, "target": target, "path": path, "args": args,
                      "cargo_manifest_args": cargo_manifest_args, "features": features, "rustc_flags": rustc_flags,
                      "rust_version": rust_version, "quiet": quiet, "debug": debug, "binding": binding, "strip": strip,
                      "script": script, "native": native, "optional": optional, "py_limited_api": py_limited_api,
                      "env": env, "generated_files": generated_files}


class RustBin(RustExtension):
    def __init__(self, target, path="Cargo.toml", args=(), cargo_manifest_args=(), features=(), rust_version=None,
                 quiet=False, debug=None, strip=Strip.No, optional=False, env=None):
        RustExtension.__init__(self, target, path=path, args=args, cargo_manifest_args=cargo_manifest_args,
                               features=features, rust_version=rust_version, quiet=quiet, debug=debug,
                               binding=Binding.Exec, strip=strip, optional=optional, py_limited_api=False, env=env)
        self._pyts["__class__"] = "RustBin"


# --- setup.cfg ([metadata], [options] and their sections), read as setuptools does --------------
def _list(value, sep=None):
    if isinstance(value, list):
        return value
    if "\n" in value:
        items = value.splitlines()
    else:
        items = value.split(sep or ",")
    return [i.strip() for i in items if i.strip()]


def _dict(value):
    out = {}
    for line in _list(value, ","):
        k, _, v = line.partition("=")
        out[k.strip()] = v.strip()
    return out


def _bool(value):
    return value.strip().lower() in ("1", "true", "yes")


def _file(value):
    if not value.startswith("file:"):
        return value
    texts = []
    for f in _list(value[len("file:"):]):
        with open(f, encoding="utf-8") as fh:
            texts.append(fh.read())
    return "\n".join(texts)


def _attr(value, package_dir):
    if not value.startswith("attr:"):
        return value
    dotted = value[len("attr:"):].strip()
    mod, _, name = dotted.rpartition(".")
    import ast
    parts = mod.split(".") if mod else ["__init__"]
    base = package_dir.get("", "")
    for i in range(len(parts), 0, -1):
        k = ".".join(parts[:i])
        if k in package_dir:
            base, parts = package_dir[k], parts[i:]
            break
    path = os.path.join(base, *parts)
    path = path + ".py" if os.path.isfile(path + ".py") else os.path.join(path, "__init__.py")
    with open(path, encoding="utf-8") as fh:
        tree = ast.parse(fh.read())
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        for t in targets:
            if isinstance(t, ast.Name) and t.id == name:
                return ast.literal_eval(node.value)
    raise SystemExit("pyts-build: setup.cfg: attr: %s is not a literal assignment in %s" % (dotted, path))


def read_setup_cfg():
    import configparser
    if not os.path.isfile("setup.cfg"):
        return {}, {}
    cp = configparser.ConfigParser(interpolation=None)
    cp.optionxform = str
    cp.read("setup.cfg", encoding="utf-8")
    kw, other = {}, {}
    md = dict(cp["metadata"]) if cp.has_section("metadata") else {}
    op = dict(cp["options"]) if cp.has_section("options") else {}
    package_dir = _dict(op["package_dir"]) if "package_dir" in op else {}
    if "package_dir" in op and "=" not in op["package_dir"]:
        package_dir = {"": op["package_dir"].strip()}
    for k, v in md.items():
        k = k.replace("-", "_")
        if k in ("home_page",):
            k = "url"
        if k in ("summary",):
            k = "description"
        if k in ("classifiers", "keywords", "platforms", "license_files", "provides", "requires", "obsoletes"):
            kw[k] = _list(_file(v))
        elif k == "project_urls":
            kw[k] = _dict(v)
        elif k == "version":
            kw[k] = str(_attr(_file(v).strip(), package_dir))
        elif k in ("long_description", "license"):
            kw[k] = _file(v)
        else:
            kw[k] = v
    for k, v in op.items():
        k = k.replace("-", "_")
        if k in ("install_requires", "setup_requires", "tests_require", "py_modules", "scripts", "namespace_packages"):
            kw[k] = _list(_file(v), ";") if k in ("install_requires", "setup_requires", "tests_require") else _list(v)
        elif k in ("include_package_data", "zip_safe"):
            kw[k] = _bool(v)
        elif k == "package_dir":
            kw[k] = package_dir
        elif k == "packages":
            v = v.strip()
            if v in ("find:", "find_namespace:"):
                f = dict(cp["options.packages.find"]) if cp.has_section("options.packages.find") else {}
                where = _list(f["where"])[0] if "where" in f else package_dir.get("", ".")
                kw[k] = _find(where, _list(f.get("exclude", "")), _list(f.get("include", "*")), v == "find_namespace:")
            else:
                kw[k] = _list(v)
        elif k == "cmdclass":
            kw[k] = _dict(v)
        else:
            kw[k] = v
    for sec, key in (("options.package_data", "package_data"), ("options.exclude_package_data", "exclude_package_data")):
        if cp.has_section(sec):
            kw[key] = {("" if p == "*" else p): _list(v) for p, v in cp[sec].items()}
    if cp.has_section("options.extras_require"):
        kw["extras_require"] = {e: _list(v, ";") for e, v in cp["options.extras_require"].items()}
    if cp.has_section("options.entry_points"):
        kw["entry_points"] = {g: _list(v) for g, v in cp["options.entry_points"].items()}
    if cp.has_section("options.data_files"):
        kw["data_files"] = [(d, _list(v)) for d, v in cp["options.data_files"].items()]
    if cp.has_section("bdist_wheel"):
        other["bdist_wheel"] = dict(cp["bdist_wheel"])
    return kw, other


CFG, CFG_OTHER = read_setup_cfg()


def _encode(o):
    if hasattr(o, "_pyts"):
        return o._pyts
    if isinstance(o, enum.Enum):
        return o.name
    if isinstance(o, type):
        return {"__class__": "class", "name": o.__dict__.get("_pyts_origin", o.__module__ + "." + o.__qualname__)}
    if isinstance(o, (set, frozenset, tuple)):
        return list(o)
    if isinstance(o, os.PathLike):
        return os.fspath(o)
    return {"__class__": "object", "name": type(o).__module__ + "." + type(o).__qualname__}


def setup(**kwargs):
    merged = dict(CFG)
    merged.update(kwargs)
    with open(OUT, "w", encoding="utf-8") as fh:
        json.dump({"setup": merged, "setup_py": os.path.isfile("setup.py"), "cfg": CFG_OTHER}, fh, default=_encode)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


STUBS = {
    "setuptools": {"setup": setup, "find_packages": find_packages, "find_namespace_packages": find_namespace_packages,
                   "Extension": Extension, "__version__": "80.9.0"},
    "setuptools_rust": {"RustExtension": RustExtension, "RustBin": RustBin, "Binding": Binding, "Strip": Strip,
                        "__version__": "1.12.0"},
    "distutils": {},
    "distutils.core": {"setup": setup, "Extension": Extension},
}


class StubFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    ROOTS = ("setuptools", "setuptools_rust", "distutils", "pkg_resources")

    def find_spec(self, fullname, path=None, target=None):
        if fullname.split(".")[0] in self.ROOTS:
            return importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        return None

    def create_module(self, spec):
        m = types.ModuleType(spec.name)
        m.__path__ = []
        m.__dict__.update(STUBS.get(spec.name, {}))
        for k, v in STUBS.items():  # re-exports: setuptools_rust.extension.RustExtension ...
            if spec.name.startswith(k + ".") and k in ("setuptools_rust",):
                m.__dict__.update(v)
        m.__getattr__ = _stub_attr(spec.name)
        return m

    def exec_module(self, module):
        pass


for name in list(sys.modules):
    if name.split(".")[0] in StubFinder.ROOTS:
        del sys.modules[name]
sys.meta_path.insert(0, StubFinder())
sys.path.insert(0, PROJECT)
sys.argv = ["setup.py", "bdist_wheel"]

if os.path.isfile("setup.py"):
    g = {"__name__": "__main__", "__file__": os.path.join(PROJECT, "setup.py"), "__builtins__": __builtins__}
    with open("setup.py", "rb") as fh:
        code = compile(fh.read(), os.path.join(PROJECT, "setup.py"), "exec")
    exec(code, g)
    sys.stderr.write("pyts-build: setup.py ran to its end without calling setup()\n")
    sys.exit(3)
setup()
`;
