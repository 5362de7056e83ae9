"""Saving survives being killed: 100 SIGKILLs in the middle of saving, and the file is always old or new.

A driver process (single-threaded, so ``fork`` is safe) loads the rules once, then 100 times forks a
child that saves two versions of a big case, A and B, alternately to the same path through the real
``save_case``. The child says through a pipe where it is (save begun, temporary file made, about to
fsync, about to rename, saved); the driver waits for a random one of those steps, sleeps a random
fraction of a measured save time and kills the child with SIGKILL, so the kills spread over the whole
save. After every kill the file is read back with the real loader: it must be exactly A or exactly B,
byte for byte, and load. A killed save leaves its temporary file; the next save (by a new process)
must remove it, so temporaries never pile up.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import RESOURCES

KILLS = 100

DRIVER = textwrap.dedent(
    r"""
    import json, os, random, signal, sys, time
    from pathlib import Path

    from lendready.domain.files import case_file
    from lendready.domain.files.case_file import load_case, new_case, save_case, dumps
    from lendready.domain.engine.knowledge import load

    folder, kills, seed, resources = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    rng = random.Random(seed)
    knowledge = load(Path(resources))
    q = knowledge.questionnaire
    base = load_case(Path(resources) / "samples" / "riverside.lendready", q)

    def version(tag, filler):
        case = new_case("lender")
        case.case_id = "crash-safety-case"
        case.created = case.modified = "2026-01-01T00:00:00Z"
        case.answers = dict(base.answers)
        case.answers["org.name"] = f"Version {tag}"
        case.answers["fin.turnover"] = 1_000_000 if tag == "A" else 2_000_000
        # about 2 MB of notes, so that writing and syncing take measurable time
        case.notes = {qid: filler * 40_000 for qid in list(q.questions)[:10]}
        return case

    cases = {"A": version("A", "alpha "), "B": version("B", "bravo ")}
    expected = {tag: dumps(c, q).encode("utf-8") for tag, c in cases.items()}
    target = folder / "case.lendready"
    save_case(cases["A"], target, q, touch=False, overwrite_changed=True)

    # How long one save takes here, to spread the kills over it.
    durations = []
    for i in range(6):
        start = time.perf_counter()
        save_case(cases["AB"[i % 2]], target, q, touch=False, overwrite_changed=True)
        durations.append(time.perf_counter() - start)
    save_time = sorted(durations)[len(durations) // 2]

    def child(w, first):
        import tempfile
        real_fsync, real_replace, real_mkstemp = os.fsync, os.replace, tempfile.mkstemp
        def mkstemp(*args, **kwargs):
            made = real_mkstemp(*args, **kwargs); os.write(w, b"m"); return made
        tempfile.mkstemp = mkstemp
        def fsync(fd):
            os.write(w, b"f"); real_fsync(fd)
        def replace(a, b):
            os.write(w, b"r"); real_replace(a, b); os.write(w, b"R")
        os.fsync, os.replace = fsync, replace
        k = first
        while True:
            os.write(w, b"s")
            save_case(cases["AB"[k % 2]], target, q, touch=False, overwrite_changed=True)
            os.write(w, b"d")
            k += 1

    def temps():
        return sorted(p.name for p in folder.iterdir() if p.name != target.name)

    results = []
    for i in range(kills):
        before = temps()  # left by the previous kill; the next save must clear it
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(r)
            try:
                child(w, i)
            finally:
                os._exit(1)
        os.close(w)
        wait_saves = rng.choice((0, 0, 1, 2))  # let a few whole saves finish first now and then
        # Aim at a random step of the save (start, temp file made, fsync, rename), then a random delay.
        trigger = rng.choice((b"s", b"s", b"m", b"f", b"r"))
        seen = b""
        while seen.count(b"s") <= wait_saves or trigger not in seen[seen.rfind(b"s"):]:
            seen += os.read(r, 64)
        delay = rng.uniform(0, (1.2 if trigger == b"s" else 0.3) * save_time)
        time.sleep(delay)
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        while True:
            more = os.read(r, 4096)
            if not more:
                break
            seen += more
        os.close(r)
        raw = target.read_bytes()
        tag = next((t for t, b in expected.items() if raw == b), None)
        try:
            loaded = load_case(target, q)
            same = tag and loaded.answers == cases[tag].answers and loaded.notes == cases[tag].notes
            loads = bool(same)
        except Exception as exc:
            loads = f"{type(exc).__name__}: {exc}"
        # where the kill landed: the markers written since the last save began
        tail = seen[seen.rfind(b"s") + 1:]
        if tail.endswith(b"d"):
            phase = "between saves"
        else:
            steps = {b"": "encoding", b"m": "writing", b"mf": "fsync", b"mfr": "rename"}
            phase = steps.get(tail, "after rename")
        results.append({"tag": tag, "loads": loads, "phase": phase, "completed": seen.count(b"d"), "pid": pid,
                        "temps_before": before, "temps_after": temps(), "delay": delay})

    save_case(cases["A"], target, q, touch=False, overwrite_changed=True)
    print(json.dumps({"save_time": save_time, "size": len(expected["A"]), "results": results,
                      "final_temps": temps(), "mode": oct(target.stat().st_mode & 0o777)}))
    """
)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the driver forks its savers (POSIX)")
def test_killed_100_times_mid_save_the_file_is_always_old_or_new(tmp_path):
    folder = tmp_path / "cases"
    folder.mkdir()
    started = time.monotonic()
    out = subprocess.run(
        [sys.executable, "-c", DRIVER, str(folder), str(KILLS), "20260101", str(RESOURCES)],
        capture_output=True, text=True, timeout=120,
    )
    elapsed = time.monotonic() - started
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    results = report["results"]
    assert len(results) == KILLS

    torn = [r for r in results if r["tag"] is None or r["loads"] is not True]
    assert not torn, f"after {len(torn)} of {KILLS} kills the file was neither version A nor B: {torn[:3]}"
    phases: dict[str, int] = {}
    for r in results:
        phases[r["phase"]] = phases.get(r["phase"], 0) + 1
    mid_save = KILLS - phases.get("between saves", 0)
    # The kills really land inside saves, across the write/fsync/rename window.
    assert mid_save >= KILLS * 0.6, phases
    assert phases.get("writing", 0) + phases.get("fsync", 0) + phases.get("rename", 0) >= 15, phases
    # Both versions were seen after kills (the file does move on between kills).
    assert {r["tag"] for r in results} == {"A", "B"}

    # A kill leaves at most its own temporary file: the next process's save removes it before writing.
    # (Only a child killed before its first save got under way can leave the previous one in place.)
    for previous, current in zip([None, *results], results):
        started = current["completed"] > 0 or current["phase"] != "encoding"
        for name in current["temps_after"]:
            if f".{current['pid']}." in name:
                continue
            assert not started and previous is not None and name in previous["temps_after"], (name, current)
    most = max(len(r["temps_after"]) for r in results)
    assert most <= 3, [r["temps_after"] for r in results]
    assert report["final_temps"] == [], report["final_temps"]
    left_over = sum(1 for r in results if r["temps_after"])
    print(
        f"\n{KILLS} SIGKILLs mid-save ({report['size'] // 1024} KB case, "
        f"save ≈ {report['save_time'] * 1000:.0f} ms): "
        f"{KILLS - len(torn)} old-or-new, 0 torn; kill landed {phases}; {left_over} left a temporary file "
        f"(at most {most} at once), each removed by the next save; {elapsed:.1f} s"
    )


def test_a_stale_temporary_is_removed_but_a_live_writers_is_kept(tmp_path, knowledge):
    from lendready.domain.files.case_file import atomic_write

    target = tmp_path / "case.lendready"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True)
    dead_pid = int(dead.stdout)
    stale = tmp_path / f".case.lendready.{dead_pid}.abcd1234.tmp"
    live = tmp_path / f".case.lendready.{os.getppid()}.efgh5678.tmp"  # a running process (pytest's parent)
    other = tmp_path / ".case.lendready.old.123.x1y2z3.tmp"  # the temporary of "case.lendready.old"
    ancient = tmp_path / ".case.lendready.q9w8e7r6.tmp"  # an older lendready's name, two hours old
    for p in (stale, live, other, ancient):
        p.write_bytes(b"{}")
    two_hours_ago = time.time() - 7200
    os.utime(ancient, (two_hours_ago, two_hours_ago))
    atomic_write(target, b"new")
    assert target.read_bytes() == b"new"
    assert not stale.exists() and not ancient.exists()
    assert live.exists() and other.exists()
    if os.name == "posix":
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([target.name, live.name, other.name])
    Path(live).unlink()
