#!/usr/bin/env python3
"""Make this Python import `replylint` from a CMake build tree.

    python3 bindings/python/install_dev.py [BUILD_DIR]      # default: build
    python3 bindings/python/install_dev.py --uninstall

Writes replylint-dev.pth into the site-packages of the interpreter that runs it (so run it
with the python3 you will use), naming BUILD_DIR/bindings/python, where the build puts the
package (replylint/__init__.py next to replylint/_replylint.abi3.so).  Rebuilding needs no
new run; a different build directory does.  --user writes to the user site-packages
instead, for an interpreter whose site-packages is not writable.  Without PyPI there is
no wheel to install: this is the development set-up that the README describes.
"""

import argparse
import os
import pathlib
import site
import subprocess
import sys
import sysconfig

PTH_NAME = "replylint-dev.pth"


def package_parent(build_dir):
    """The folder holding the built replylint/ package, given the top-level build folder or
    that folder itself."""
    build_dir = pathlib.Path(build_dir).resolve()
    for candidate in (build_dir / "bindings" / "python", build_dir):
        pkg = candidate / "replylint"
        if (pkg / "__init__.py").is_file() and any(pkg.glob("_replylint*")):
            return candidate
    sys.exit("install_dev: no built replylint package under %s: build first "
             "(cmake --build %s)" % (build_dir, build_dir))


def site_dir(user):
    if user:
        if not site.ENABLE_USER_SITE:
            sys.exit("install_dev: this interpreter has the user site-packages disabled")
        return pathlib.Path(site.getusersitepackages())
    return pathlib.Path(sysconfig.get_paths()["purelib"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("build_dir", nargs="?", default="build",
                        help="the CMake build folder (default: build)")
    parser.add_argument("--user", action="store_true",
                        help="use the user site-packages rather than the interpreter's")
    parser.add_argument("--uninstall", action="store_true", help="remove the .pth file")
    args = parser.parse_args()

    pth = site_dir(args.user) / PTH_NAME
    if args.uninstall:
        if pth.exists():
            pth.unlink()
            print("install_dev: removed %s" % pth)
        return 0

    parent = package_parent(args.build_dir)
    try:
        pth.parent.mkdir(parents=True, exist_ok=True)
        pth.write_text(str(parent) + "\n", encoding="utf-8")
    except PermissionError:
        if args.user:
            raise
        # A system interpreter run by a normal user: its own site-packages will do.
        print("install_dev: %s is not writable; using the user site-packages" % pth.parent)
        pth = site_dir(True) / PTH_NAME
        pth.parent.mkdir(parents=True, exist_ok=True)
        pth.write_text(str(parent) + "\n", encoding="utf-8")
    print("install_dev: %s -> %s" % (pth, parent))

    # Check from a neutral folder, so that a replylint/ in the current folder cannot mask a
    # broken set-up, and so that another installed replylint taking precedence shows up.
    probe = subprocess.run(
        [sys.executable, "-c", "import replylint; print(replylint.__file__, replylint.__version__)"],
        cwd=str(pathlib.Path(sys.prefix)), capture_output=True, text=True,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    if probe.returncode != 0:
        sys.stderr.write(probe.stderr)
        sys.exit("install_dev: %s still cannot import replylint" % sys.executable)
    where, version = probe.stdout.split()
    if not pathlib.Path(where).resolve().is_relative_to(parent):
        sys.exit("install_dev: %s imports replylint from %s, which shadows the build tree"
                 % (sys.executable, where))
    print("install_dev: %s imports replylint %s from %s" % (sys.executable, version, where))
    return 0


if __name__ == "__main__":
    sys.exit(main())
