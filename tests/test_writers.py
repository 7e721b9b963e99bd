"""Reports are written atomically with the mode any new file gets under the umask (mkstemp alone gives 0600,
which locks a web server or colleagues out of shared reports)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import pytest

from oitcheck.report import writers
from oitcheck.report.writers import atomic_write


@contextmanager
def umask(mask: int) -> Iterator[None]:
    previous = os.umask(mask)
    try:
        yield
    finally:
        os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("mask, mode", [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600), (0o002, 0o664)])
def test_reports_get_the_mode_the_umask_allows(tmp_path, mask, mode):
    with umask(mask):
        written = atomic_write(tmp_path / "report.json", "{}\n")
        assert _mode(written) == mode
        atomic_write(written, "[]\n")  # replacing a report: the new file, the same rule
    assert _mode(written) == mode and written.read_text(encoding="utf-8") == "[]\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temporary file left behind


def test_the_umask_is_read_without_changing_it():
    with umask(0o027):
        assert writers._umask() == 0o027
        assert os.umask(0o027) == 0o027  # still what it was


def test_without_proc_the_umask_is_still_read_and_restored():
    real_open = open

    def no_proc(file: object, *args: object, **kwargs: object) -> object:
        if str(file).startswith("/proc/"):
            raise FileNotFoundError(file)
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    with umask(0o022), mock.patch("builtins.open", no_proc):
        assert writers._umask() == 0o022
        assert os.umask(0o022) == 0o022
