"""pyts-build as a PEP 517 / PEP 660 build backend.

In a project's pyproject.toml::

    [build-system]
    requires = ["pyts-build"]
    build-backend = "pyts_build"

Each hook runs the pyts-build CLI, building for the interpreter that runs the hook.
The platform wheel (``py3-none-manylinux_*``) carries it as a standalone executable
and needs only Rust; the pure wheel (``py3-none-any``) runs the bundled JavaScript
with Node.js 20+ (``PYTS_BUILD_NODE`` names a node other than the one on PATH, and
makes the platform wheel use node too).
"""

from ._runner import run_hook

__all__ = [
    "build_wheel",
    "build_sdist",
    "build_editable",
    "get_requires_for_build_wheel",
    "get_requires_for_build_sdist",
    "get_requires_for_build_editable",
    "prepare_metadata_for_build_wheel",
    "prepare_metadata_for_build_editable",
]


# Node.js (if used) and cargo are programs, not Python packages: nothing more to install.
def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    return run_hook("build_wheel", wheel_directory, config_settings, metadata_directory)


def build_sdist(sdist_directory, config_settings=None):
    return run_hook("build_sdist", sdist_directory, config_settings)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    return run_hook("build_editable", wheel_directory, config_settings, metadata_directory)


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    return run_hook("prepare_metadata_for_build_wheel", metadata_directory, config_settings)


def prepare_metadata_for_build_editable(metadata_directory, config_settings=None):
    return run_hook("prepare_metadata_for_build_editable", metadata_directory, config_settings)
