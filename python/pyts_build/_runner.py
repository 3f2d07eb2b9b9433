"""Run the pyts-build CLI and turn its failures into short messages.

The backend is a thin shim: every hook calls ``<cli> pep517 <hook> ...``, which prints
progress on stderr and, as the last line of stdout, the basename of what it wrote.
``<cli>`` is the standalone executable when this is the platform wheel (installed as
the ``pyts-build`` script) and PYTS_BUILD_NODE is not set; else ``node pyts-build.mjs``. Keep this file compatible with old interpreters (3.7): it runs inside
whatever Python a frontend builds with.
"""

import json
import os
import shutil
import subprocess
import sys
import threading

_HERE = os.path.dirname(os.path.abspath(__file__))
_BUNDLE_NAME = "pyts-build.mjs"


class BuildFailed(SystemExit):
    """A failed build: SystemExit so frontends print the message, not a traceback of this shim."""


def _fail(message):
    raise BuildFailed("pyts-build: " + message)


def node_executable():
    """PYTS_BUILD_NODE if set, else ``node`` on PATH."""
    override = os.environ.get("PYTS_BUILD_NODE")
    if override:
        found = shutil.which(override)
        if not found:
            _fail("PYTS_BUILD_NODE=%s is not an executable" % override)
        return found
    found = shutil.which("node")
    if not found:
        _fail("Node.js (version 20 or newer) was not found on PATH; install it, or set PYTS_BUILD_NODE to its path")
    return found


def cli_script():
    """The bundled CLI: PYTS_BUILD_CLI, the copy inside this package, or a checkout's dist/bundle."""
    override = os.environ.get("PYTS_BUILD_CLI")
    candidates = [override] if override else []
    candidates.append(os.path.join(_HERE, "_bundle", _BUNDLE_NAME))
    # Running from a source checkout (python/pyts_build on PYTHONPATH): the bundle `npm run build` made.
    candidates.append(os.path.join(_HERE, "..", "..", "dist", "bundle", _BUNDLE_NAME))
    for path in candidates:
        if path and os.path.isfile(path):
            return os.path.abspath(path)
    _fail("the bundled CLI (%s) is missing from this installation of pyts_build" % _BUNDLE_NAME)


def _is_standalone_dist(dist_info):
    """Whether this installation is the platform wheel: its WHEEL tags are not ``py3-none-any``.

    The pure wheel installs a ``pyts-build`` console script too (a Python wrapper that
    calls back into this shim): running that as "the executable" would recurse forever.
    """
    try:
        with open(os.path.join(dist_info, "WHEEL")) as f:
            tags = [l.split(":", 1)[1].strip() for l in f if l.startswith("Tag:")]
    except (IOError, OSError):
        return False
    return bool(tags) and not any(t.endswith("-any") for t in tags)


def standalone_executable():
    """The standalone ``pyts-build`` installed with this package (platform wheel), or None.

    Found through the installation's RECORD, not PATH or sysconfig: pip's isolated
    build environments install requirements under a prefix whose scripts folder is
    neither the running interpreter's nor necessarily on PATH.
    """
    site = os.path.dirname(_HERE)
    try:
        names = sorted(n for n in os.listdir(site) if n.startswith("pyts_build-") and n.endswith(".dist-info"))
    except OSError:
        return None
    for name in names:
        if not _is_standalone_dist(os.path.join(site, name)):
            continue
        try:
            with open(os.path.join(site, name, "RECORD")) as f:
                rows = [line.split(",", 1)[0] for line in f]
        except (IOError, OSError):
            continue
        for path in rows:
            parts = path.replace("\\", "/").split("/")
            if parts[-1] in ("pyts-build", "pyts-build.exe") and len(parts) > 1 and parts[-2] in ("bin", "Scripts"):
                exe = os.path.normpath(os.path.join(site, path))
                if os.path.isfile(exe) and os.access(exe, os.X_OK) and not _is_script(exe):
                    return exe
    return None


def _is_script(path):
    with open(path, "rb") as f:
        return f.read(2) == b"#!"


def cli_command():
    """The command line that runs the CLI: PYTS_BUILD_NODE + bundle if set, else the standalone executable, else node + bundle."""
    if not os.environ.get("PYTS_BUILD_NODE"):
        exe = standalone_executable()
        if exe:
            return [exe]
    return [node_executable(), cli_script()]


def stable_interpreter():
    """The interpreter to build for, as a path that stays the same between builds.

    Frontends such as ``python -m build`` run the backend in a throwaway venv whose
    ``sys.executable`` changes every time; handing that to cargo as PYO3_PYTHON would
    rerun pyo3's build script and recompile everything downstream. The venv's base
    interpreter has the same version, ABI and EXT_SUFFIX, and a stable path.
    """
    base = getattr(sys, "_base_executable", None)
    if base and os.path.isfile(base):
        return base
    return sys.executable


def _tee(stream, sink, lines):
    for line in iter(stream.readline, ""):
        sink.write(line)
        sink.flush()
        lines.append(line)
    stream.close()


def run_hook(hook, directory, config_settings=None, metadata_directory=None):
    """Run one hook through the CLI and return the basename it reports."""
    args = cli_command() + ["pep517", hook, "--out", os.path.abspath(directory)]
    if hook not in ("build_sdist",):
        args += ["--interpreter", stable_interpreter()]
    if metadata_directory:
        args += ["--metadata-directory", os.path.abspath(metadata_directory)]
    if config_settings:
        args += ["--config-settings", json.dumps(config_settings)]
    try:
        # The CLI (Node.js) writes UTF-8 whatever the locale: decoding with the locale's encoding (a Windows
        # ANSI code page, or ASCII) would fail on the first non-ASCII path and lose the error line.
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, encoding="utf-8", errors="replace")
    except OSError as e:
        _fail("could not start %s: %s" % (args[0], e))
    err_lines = []
    # stderr is progress for the user: pass it through as it comes, and keep it for the error message.
    tee = threading.Thread(target=_tee, args=(proc.stderr, sys.stderr, err_lines))
    tee.daemon = True
    tee.start()
    out = proc.stdout.read()
    proc.wait()
    tee.join()
    if proc.returncode != 0:
        # The CLI's own messages were passed through above; repeat its error line as the exit message.
        errors = [l.strip()[len("error:"):].strip() for l in err_lines if l.strip().startswith("error:")]
        detail = errors[-1] if errors else (err_lines[-1].strip() if err_lines else "no message")
        _fail("%s failed (exit code %d): %s" % (hook, proc.returncode, detail))
    result = [l for l in out.splitlines() if l.strip()]
    if not result:
        _fail("%s printed no file name" % hook)
    return result[-1].strip()


def main(argv=None):
    """``python -m pyts_build`` and the pure wheel's ``pyts-build`` console script."""
    args = cli_command() + list(sys.argv[1:] if argv is None else argv)
    try:
        return subprocess.call(args)
    except KeyboardInterrupt:
        return 130
