"""Reading, validating and caching resource files: the part of loading that is the same for every file.

Kept apart from :mod:`lendready.domain.engine.knowledge` (which builds the rules) so
that what needs only cached, already-validated data, such as the sample list on
the start page, loads neither the rules engine nor pydantic.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from lendready import __version__

# Bump when the shape of validated data changes, so stale caches are ignored.
CACHE_SCHEMA = 2


class ResourceError(Exception):
    """The resources are not usable; ``problems`` lists each one as file:id: field: problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def _sha256(data: bytes) -> Any:
    """SHA-256 from CPython's own built-in module, falling back to hashlib.

    The same digest, without loading OpenSSL: hashlib's first import maps
    libcrypto, ~3.7 MB of the app's start-up memory, for one hash of ~200 KB of
    resources that the built-in module computes in about a millisecond.
    """
    try:
        from _sha2 import sha256  # type: ignore[import-not-found]  # Python 3.12+
    except ImportError:
        try:
            from _sha256 import sha256  # type: ignore[import-not-found,no-redef]  # Python 3.11
        except ImportError:  # an interpreter without them
            from hashlib import sha256  # type: ignore[no-redef]
    return sha256(data)


def fingerprint(root: Path, paths: Iterable[Path]) -> str:
    """SHA-256 over the lendready version, the cache schema and each file's path and bytes."""
    digest = _sha256(f"{__version__}:{CACHE_SCHEMA}".encode())
    for p in paths:
        digest.update(p.relative_to(root).as_posix().encode() + b"\0")
        digest.update(p.read_bytes() + b"\0")
    return digest.hexdigest()


def _rel(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _format_error(file: str, data: Any, err: Any) -> str:
    """Name the file, the id of the item at fault, and the field, as a reviewer wants it."""
    loc = list(err.get("loc", ()))
    item_id = None
    node = data
    consumed = 0
    for i, part in enumerate(loc):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            break
        if isinstance(node, dict) and isinstance(node.get("id") or node.get("rule"), str):
            item_id = node.get("id") or f"{node.get('rule')} ({node.get('name', '?')})"
            consumed = i + 1
    rest = [str(p) for p in loc[consumed:] if not str(p).startswith("function-after")]
    field_name = ".".join(rest) if rest else "(item)"
    where = f"{file}:{item_id}" if item_id else file
    return f"{where}: {field_name}: {err.get('msg', 'invalid')}"


def read_toml(path: Path, root: Path, problems: list[str]) -> dict[str, Any] | None:
    import tomllib

    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        problems.append(f"{_rel(root, path)}: (file): missing")
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        problems.append(f"{_rel(root, path)}: (file): cannot parse TOML: {exc}")
    return None


def validate_model(model: Any, data: Any, file: str, problems: list[str]) -> Any | None:
    from pydantic import ValidationError

    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems.extend(_format_error(file, data, e) for e in exc.errors())
    return None


def cached_validated(name: str, key: str, validate: Any) -> Any:
    """``validate()`` -> (data, problems), read from the on-disk cache under ``name`` and ``key`` when there.

    A damaged or foreign cache file is ignored and rewritten; problems raise
    ResourceError and are never cached.
    """
    from lendready.paths import cache_dir

    directory = cache_dir()
    cache_file = directory / f"{name}-{key[:32]}.json" if directory else None
    if cache_file is not None and cache_file.is_file():
        try:
            cached = json.loads(cache_file.read_text(encoding="utf-8"))
            if isinstance(cached, dict) and cached.get("fingerprint") == key:
                return cached["data"]
        except (OSError, ValueError, KeyError):
            pass  # a damaged cache is simply rebuilt
    data, problems = validate()
    if problems:
        raise ResourceError(problems)
    if cache_file is not None:
        _write_cache(cache_file, {"fingerprint": key, "data": data})
    return data


def _write_cache(path: Path, payload: dict[str, Any]) -> None:
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(payload, fh)
        os.replace(tmp, path)
    except OSError:
        pass  # caching is an optimisation; a read-only profile must still work
