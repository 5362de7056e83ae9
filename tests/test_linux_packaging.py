"""The installers' metadata: the desktop entry, AppStream, MIME type, icons, install.sh, Windows and macOS recipes."""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import tarfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import REPO

from lendready import __version__
from lendready.app import DESKTOP_ID

LINUX = REPO / "packaging" / "linux"
DESKTOP = LINUX / f"{DESKTOP_ID}.desktop"
METAINFO = LINUX / f"{DESKTOP_ID}.metainfo.xml"
MIME = LINUX / f"{DESKTOP_ID}.mime.xml"
ICONS = REPO / "resources" / "icons"
PROJECT_URL = "https://example.org/lendready"
RAW = f"{PROJECT_URL}/raw/main/"


def _desktop_entry(path: Path) -> dict[str, str]:
    entry = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            entry[key] = value
    return entry


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None,
                    reason="desktop-file-validate is not installed (Debian: desktop-file-utils; .ci/run installs it)")
def test_desktop_file_validates():
    out = subprocess.run(["desktop-file-validate", str(DESKTOP)], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.strip() == "", out.stdout + out.stderr


@pytest.mark.skipif(shutil.which("appstreamcli") is None,
                    reason="appstreamcli is not installed (Debian: appstream; .ci/run installs it)")
def test_metainfo_validates():
    out = subprocess.run(["appstreamcli", "validate", "--no-net", str(METAINFO)], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "E:" not in out.stdout and "W:" not in out.stdout, out.stdout


def test_ids_mime_type_and_version_agree():
    entry = _desktop_entry(DESKTOP)
    assert entry["Icon"] == DESKTOP_ID
    assert entry["MimeType"] == "application/x-lendready;"
    assert entry["Exec"].startswith("lendready ") and entry["Exec"].endswith("%f")
    meta = ET.parse(METAINFO).getroot()
    assert meta.findtext("id") == DESKTOP_ID
    assert meta.findtext("launchable") == DESKTOP.name
    assert meta.findtext("provides/mediatype") == "application/x-lendready"
    assert meta.find("releases/release").get("version") == __version__, "add a <release> for the new version"
    ns = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
    mime = ET.parse(MIME).getroot().find("m:mime-type", ns)
    assert mime.get("type") == "application/x-lendready"
    assert mime.find("m:glob", ns).get("pattern") == "*.lendready"


def test_screenshots_are_files_in_the_repository():
    images = [e.text for e in ET.parse(METAINFO).getroot().iter("image")]
    assert len(images) >= 2
    for url in images:
        assert url.startswith(RAW), url
        shot = REPO / url[len(RAW):]
        assert shot.is_file(), f"{url} names {shot}, which is missing (packaging/linux/make_screenshots.py)"
        assert _png_size(shot)[0] >= 620


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", head[16:24])


def test_icons_exist_at_every_size_they_claim():
    assert "<svg" in (ICONS / "lendready.svg").read_text(encoding="utf-8")
    sizes = sorted(int(p.stem.split("-")[1]) for p in ICONS.glob("lendready-*.png"))
    assert {16, 32, 48, 64, 128, 256} <= set(sizes)
    for size in sizes:
        assert _png_size(ICONS / f"lendready-{size}.png") == (size, size)
    assert (REPO / "packaging" / "windows" / "lendready.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"
    assert (REPO / "packaging" / "macos" / "lendready.icns").read_bytes()[:4] == b"icns"


def _dummy_bundle(folder: Path) -> Path:
    """Stands in for dist/lendready: an executable that records how it was called."""
    bundle = folder / "lendready"
    (bundle / "_internal").mkdir(parents=True)
    exe = bundle / "lendready"
    exe.write_text('#!/bin/sh\necho "lendready called with: $*"\n', encoding="utf-8")
    exe.chmod(0o755)
    return bundle


def test_tarball_installs_a_menu_entry_icons_and_file_type_per_user_and_uninstalls(tmp_path):
    bundle = _dummy_bundle(tmp_path / "build")
    made = subprocess.run([str(LINUX / "build-tarball.sh"), str(bundle), str(tmp_path / "dist")],
                          capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    tarball = Path(made.stdout.strip().splitlines()[-1])
    assert re.fullmatch(rf"lendready-{re.escape(__version__)}-linux-[\w]+\.tar\.gz", tarball.name)
    with tarfile.open(tarball) as tar:
        names = tar.getnames()
        tar.extractall(tmp_path / "unpacked", filter="data")
    top = f"lendready-{__version__}"
    for needed in ("install.sh", "uninstall.sh", "README.txt", "lendready/lendready",
                   f"share/applications/{DESKTOP_ID}.desktop", f"share/metainfo/{DESKTOP_ID}.metainfo.xml",
                   f"share/mime/packages/{DESKTOP_ID}.xml", f"share/icons/hicolor/scalable/apps/{DESKTOP_ID}.svg",
                   f"share/icons/hicolor/48x48/apps/{DESKTOP_ID}.png"):
        assert f"{top}/{needed}" in names, needed

    home = tmp_path / "home"
    home.mkdir()
    env = {"PATH": os.environ["PATH"], "HOME": str(home)}
    unpacked = tmp_path / "unpacked" / top
    installed = subprocess.run([str(unpacked / "install.sh")], capture_output=True, text=True, env=env, timeout=120)
    assert installed.returncode == 0, installed.stderr
    share = home / ".local" / "share"
    app = home / ".local" / "lib" / "lendready" / "lendready"
    desktop = share / "applications" / f"{DESKTOP_ID}.desktop"
    entry = _desktop_entry(desktop)
    assert entry["Exec"] == f'"{app}" %f' and entry["TryExec"] == str(app)
    if shutil.which("desktop-file-validate"):
        check = subprocess.run(["desktop-file-validate", str(desktop)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout
    assert (share / "icons" / "hicolor" / "256x256" / "apps" / f"{DESKTOP_ID}.png").is_file()
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / f"{DESKTOP_ID}.svg").is_file()
    assert (share / "metainfo" / f"{DESKTOP_ID}.metainfo.xml").is_file()
    assert (share / "mime" / "packages" / f"{DESKTOP_ID}.xml").is_file()
    if shutil.which("update-mime-database"):
        assert "application/x-lendready:*.lendready" in (share / "mime" / "globs2").read_text()
    ran = subprocess.run([str(home / ".local" / "bin" / "lendready"), "case.lendready"], capture_output=True, text=True)
    assert ran.stdout.strip() == "lendready called with: case.lendready"

    removed = subprocess.run([str(unpacked / "uninstall.sh")], capture_output=True, text=True, env=env, timeout=120)
    assert removed.returncode == 0, removed.stderr
    left = [p for p in home.rglob("*") if p.is_file() and "lendready" in p.name]
    assert left == []
    assert not (home / ".local" / "bin" / "lendready").exists()


def test_install_refuses_without_a_bundle(tmp_path):
    lone = tmp_path / "x"
    lone.mkdir()
    shutil.copy(LINUX / "install.sh", lone / "install.sh")
    out = subprocess.run(["bash", str(lone / "install.sh")], capture_output=True, text=True,
                         env={"PATH": os.environ["PATH"], "HOME": str(tmp_path)})
    assert out.returncode != 0 and "unpacked lendready folder" in out.stderr


def test_windows_installer_is_per_user_and_associates_case_files():
    iss = (REPO / "packaging" / "windows" / "lendready.iss").read_text(encoding="utf-8")
    assert re.search(r"^PrivilegesRequired=lowest$", iss, re.M)
    assert re.search(r"^DefaultDirName=\{autopf\}", iss, re.M)
    assert re.search(r"^ChangesAssociations=yes$", iss, re.M)
    assert f'#define AppVersion "{__version__}"' in iss, "the installer's default version must match lendready's"
    assert r'Subkey: "Software\Classes\.lendready"' in iss and "Root: HKA" in iss and "HKLM" not in iss
    assert "{autoprograms}" in iss  # Start-menu shortcut
    spec = (REPO / "packaging" / "pyinstaller" / "lendready.spec").read_text(encoding="utf-8")
    assert '"CFBundleDocumentTypes"' in spec and '"lendready"' in spec  # macOS document type


def test_scripts_are_executable():
    for script in ("linux/build-tarball.sh", "linux/install.sh", "linux/uninstall.sh", "macos/build.sh"):
        path = REPO / "packaging" / script
        assert os.access(path, os.X_OK), f"chmod +x packaging/{script}"
        if shutil.which("bash"):
            syntax = subprocess.run(["bash", "-n", str(path)], capture_output=True, text=True)
            assert syntax.returncode == 0, syntax.stderr
