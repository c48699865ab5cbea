"""Build the optional compiled featuriser (``provenance._speedups``); everything else is in pyproject.toml.

The extension is optional: without Cython or a working C compiler the build reports why and the
package installs as pure Python, which gives the same results more slowly.
"""

from __future__ import annotations

import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext


class OptionalBuildExt(build_ext):
    """build_ext that lets a failed compile fall back to pure Python instead of failing the install."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as error:  # noqa: BLE001 - any build failure means: install pure Python
            _skip(error)

    def build_extension(self, ext: Extension) -> None:
        try:
            super().build_extension(ext)
        except Exception as error:  # noqa: BLE001
            _skip(error)


def _skip(error: BaseException) -> None:
    print(f"provenance: compiled featuriser not built ({error}); installing pure Python", file=sys.stderr)


_MODULES = ("_speedups", "_frames", "_cues", "_results")
#: A multiply and an add stay two roundings, as in numpy, so compiled arithmetic gives numpy's bits
#: (GCC and Clang may otherwise fuse them where the target has FMA instructions).
_FLAGS = [] if sys.platform == "win32" else ["-ffp-contract=off"]


def _extensions() -> list[Extension]:
    """The extensions from their .pyx (Cython), or from the C an sdist carries when Cython is missing."""
    try:
        from Cython.Build import cythonize
    except ImportError as error:
        generated = [Path(f"src/provenance/{name}.c") for name in _MODULES]
        if all(path.exists() for path in generated):
            return [Extension(f"provenance.{path.stem}", [str(path)], optional=True, extra_compile_args=_FLAGS)
                    for path in generated]
        _skip(error)
        return []
    extensions = [Extension(f"provenance.{name}", [f"src/provenance/{name}.pyx"], optional=True, extra_compile_args=_FLAGS)
                  for name in _MODULES]
    return list(cythonize(extensions, compiler_directives={"language_level": "3"}, quiet=True))


setup(ext_modules=_extensions(), cmdclass={"build_ext": OptionalBuildExt})
