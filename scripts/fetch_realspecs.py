"""Fetch the real public OpenAPI specs pinned in tests/realspecs.lock.json (or another lock).

Each spec is a file inside a package-registry tarball (npm here). The tarball is downloaded
(or taken from ``--from FOLDER`` holding the tarballs by their file names), its sha256 checked,
the spec extracted and its own sha256 checked, and only then written, atomically, as
``<name><suffix>`` (``petstore.json``, ``blockfrost.yaml``) into the folder: ``--dest``, else
``$CODEGEN_REALSPECS_DIR``, else ``realspecs/`` in codegen's user cache folder (beside the
build and format caches, ``generator.cache.default_folder``). A spec already there with the
pinned checksum is left alone, so a second run downloads nothing. The specs are never
committed: the tests and the benchmark read them from that folder.

    .venv/bin/python scripts/fetch_realspecs.py [--benchmark] [--dest FOLDER] [--from FOLDER] [NAME ...]

Without names it fetches the entries of suite "tests"; ``--benchmark`` adds the benchmark-only
ones (GitHub's 13 MB spec, from a 28 MB tarball).

The same mechanism fetches other pinned test files: ``--lock tests/browser.lock.json`` fetches
axe-core's ``axe.min.js`` (run inside the page by the accessibility tests) into ``browser/`` of
the cache folder, the lock's ``folder`` (an entry there is a file, not a spec: the names are
the real specs' for history's sake).

    .venv/bin/python scripts/fetch_realspecs.py --lock tests/browser.lock.json
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Optional, Sequence

from generator.cache import default_folder
from generator.errors import CodegenError
from generator.spec.pin import PinnedFile, _download, _verify, write_atomic

ROOT = Path(__file__).resolve().parent.parent
LOCK_PATH = ROOT / "tests" / "realspecs.lock.json"
FOLDER_ENV = "CODEGEN_REALSPECS_DIR"
FETCH_COMMAND = ".venv/bin/python scripts/fetch_realspecs.py"
DEFAULT_FOLDER = "realspecs"  # the cache subfolder of a lock without "folder"


@dataclass(frozen=True)
class RealSpec:
    """One entry of the lock: the tarball that holds the spec, and the spec inside it."""

    name: str
    suite: str
    why: str
    package: str
    tarball: PinnedFile
    member: str
    spec_sha256: str
    spec_bytes: int
    licence: str
    folder: str = DEFAULT_FOLDER  # the lock's cache subfolder
    lock: Path = LOCK_PATH

    @property
    def file_name(self) -> str:
        """The name of the extracted spec: the entry's name with the member's suffix."""
        return self.name + PurePosixPath(self.member).suffix


def load_lock(path: Path = LOCK_PATH) -> list[RealSpec]:
    """The lock's entries, in file order."""
    data = json.loads(path.read_text(encoding="utf-8"))
    folder = data.get("folder", DEFAULT_FOLDER)
    specs = []
    for entry in data["specs"]:
        url = entry["url"]
        specs.append(
            RealSpec(
                name=entry["name"],
                suite=entry["suite"],
                why=entry["why"],
                package=entry["package"],
                tarball=PinnedFile(
                    path=PurePosixPath(url).name,
                    url=url,
                    sha256=entry["sha256"],
                    bytes=entry["bytes"],
                ),
                member=entry["path"],
                spec_sha256=entry["spec_sha256"],
                spec_bytes=entry["spec_bytes"],
                licence=entry["licence"],
                folder=folder,
                lock=path,
            )
        )
    return specs


def test_specs(path: Path = LOCK_PATH) -> list[RealSpec]:
    """The entries the tests use (suite "tests"); the benchmark also has large ones."""
    return [spec for spec in load_lock(path) if spec.suite == "tests"]


def default_dest(folder: str = DEFAULT_FOLDER) -> Path:
    """``$CODEGEN_REALSPECS_DIR``, else ``realspecs/`` in codegen's user cache folder; for
    another lock's ``folder``, that folder of the user cache folder."""
    configured = os.environ.get(FOLDER_ENV)
    if configured and folder == DEFAULT_FOLDER:
        return Path(configured).expanduser()
    return default_folder() / folder


def fetched_path(spec: RealSpec, dest: Optional[Path] = None) -> Path:
    """Where the fetched copy of ``spec`` lives (whether or not it is there yet)."""
    return (default_dest(spec.folder) if dest is None else dest) / spec.file_name


def is_fetched(spec: RealSpec, dest: Optional[Path] = None) -> bool:
    """Whether the fetched copy is there with the pinned checksum."""
    try:
        data = fetched_path(spec, dest).read_bytes()
    except OSError:
        return False
    return hashlib.sha256(data).hexdigest() == spec.spec_sha256


def missing_message(spec: RealSpec, dest: Optional[Path] = None) -> str:
    """What a test says when a spec has not been fetched: which file and which command."""
    command = FETCH_COMMAND
    if spec.lock != LOCK_PATH:
        lock = spec.lock
        command += (
            f" --lock {lock.relative_to(ROOT) if lock.is_relative_to(ROOT) else lock}"
        )
    what = "the real spec" if spec.folder == DEFAULT_FOLDER else "the pinned file"
    return (
        f"{what} {spec.name!r} ({spec.package}) is not fetched or does not match its "
        f"pin: {fetched_path(spec, dest)}; run `{command}` (bash scripts/setup.sh runs it)"
    )


def fetch(
    spec: RealSpec, dest: Optional[Path] = None, source: Optional[Path] = None
) -> Path:
    """Download (or read from ``source``) the tarball, verify both checksums, write the spec
    (into ``dest``, by default the lock's cache folder)."""
    target = fetched_path(spec, dest)
    if is_fetched(spec, dest):
        return target
    if source is None:
        tarball = _download(spec.tarball)
    else:
        tarball = (source / spec.tarball.name).read_bytes()
    _verify(spec.tarball, tarball)
    data = _extract(spec, tarball)
    actual = hashlib.sha256(data).hexdigest()
    if actual != spec.spec_sha256:
        raise CodegenError(
            f"{spec.member} in {spec.tarball.name}: expected sha256 {spec.spec_sha256} "
            f"({spec.spec_bytes} bytes), got {actual} ({len(data)} bytes); nothing was written",
            hint=f"update the entry {spec.name!r} in {LOCK_PATH.name} on purpose",
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, data)
    return target


def _extract(spec: RealSpec, tarball: bytes) -> bytes:
    """The bytes of the spec member; the tarball is verified already, so it is trusted."""
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        try:
            member = archive.getmember(spec.member)
        except KeyError as exc:
            raise CodegenError(
                f"{spec.tarball.name} has no member {spec.member}",
                hint=f"fix 'path' of {spec.name!r} in {LOCK_PATH.name}",
            ) from exc
        handle = archive.extractfile(member)
        if handle is None:
            raise CodegenError(f"{spec.member} in {spec.tarball.name} is not a file")
        return handle.read()


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="only these entries (default: all)")
    parser.add_argument("--dest", type=Path, default=None, help="folder to write to")
    parser.add_argument(
        "--lock",
        type=Path,
        default=LOCK_PATH,
        help="the lock file to read (default: tests/realspecs.lock.json)",
    )
    parser.add_argument(
        "--benchmark",
        action="store_true",
        help="also the benchmark-only entries (GitHub's spec: a 28 MB download)",
    )
    parser.add_argument(
        "--from",
        dest="source",
        type=Path,
        default=None,
        help="a folder holding the tarballs by file name, instead of downloading",
    )
    args = parser.parse_args(argv)
    specs = load_lock(args.lock.resolve())
    unknown = set(args.names) - {spec.name for spec in specs}
    if unknown:
        print(f"error: no such entry: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    try:
        for spec in specs:
            wanted = (
                spec.name in args.names
                if args.names
                else (spec.suite != "benchmark" or args.benchmark)
            )
            if wanted:
                path = fetch(spec, args.dest, args.source)
                print(f"{spec.name}: {path} ({spec.spec_bytes} bytes, sha256 verified)")
    except CodegenError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
