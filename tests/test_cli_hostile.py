"""The command line against careless and hostile use: each attack is performed, and the exit code says
what happened (0 ok, 1 over --fail-above only, 2 usage or input, 3 internal, 141 closed pipe)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import provenance
from provenance.cli import ExitStatus, format_text, printable, run

ROOT = Path(__file__).resolve().parent.parent
SEED = min((ROOT / "seeds").glob("*.txt"))
ARTICLE = "Sources said the deal collapsed. Mayor Ana Ruiz said the road reopened."


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def call(*argv: str, stdin: bytes | None = None, monkeypatch: pytest.MonkeyPatch | None = None,
         out: io.StringIO | None = None) -> tuple[int, str, str]:
    out = out if out is not None else io.StringIO()
    err = io.StringIO()
    if stdin is not None and monkeypatch is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
    status = run(list(argv), stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


def console(*argv: str, stdin: bytes | None = None, shell: str | None = None) -> subprocess.CompletedProcess[bytes]:
    """The real console script (``python -m provenance``), or a shell line using it."""
    command: list[str] | str = [sys.executable, "-m", "provenance", *argv]
    if shell is not None:
        command = ["bash", "-c", shell.replace("PROVENANCE", f"{sys.executable} -m provenance")]
    return subprocess.run(command, input=stdin, capture_output=True, timeout=120, check=False)


# --- exit codes -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["score", str(SEED), "--fail-above", "nan"],
        ["score", str(SEED), "--fail-above", "inf"],
        ["score", str(SEED), "--fail-above", "-0.1"],
        ["score", str(SEED), "--fail-above", "1.5"],
        ["score", str(SEED), "--threshold", "nan"],
        ["score", str(SEED), "--max-chars", "0"],
        ["score", str(SEED), "--max-chars", "-5"],
        ["score", str(SEED), "--encoding", "base64"],
        ["score", str(SEED), "--encoding", "no-such-codec"],
        ["train"],
    ],
)
def test_bad_options_are_usage_errors(argv: list[str]) -> None:
    status, out, err = call(*argv)
    assert status == ExitStatus.USAGE_ERROR and out == ""
    assert len(err.strip().splitlines()) == 1


def test_unexpected_errors_have_their_own_code_and_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: provenance.Scorer, text: str) -> None:
        raise RuntimeError("a bug\nspanning lines")

    monkeypatch.setattr(provenance.Scorer, "score", broken)
    status, out, err = call("score", str(SEED), "--fail-above", "0.5")
    assert status == ExitStatus.INTERNAL_ERROR == 3
    assert err.count("\n") == 1 and "internal error: RuntimeError: a bug\\nspanning lines" in err
    assert "Traceback" not in err and "--debug" in err
    status, _, err = call("--debug", "score", str(SEED))
    assert status == 3 and "Traceback (most recent call last)" in err
    status, _, err = call("score", str(SEED), "--debug")
    assert status == 3 and "Traceback" in err


def test_exit_1_means_only_over_the_threshold() -> None:
    assert call("score", str(SEED), "--fail-above", "0.3")[0] == ExitStatus.OVER_THRESHOLD == 1
    assert call("score", str(SEED), "--fail-above", "1")[0] == 0
    assert call("score", "missing.txt", "--fail-above", "0.3")[0] == 2


def test_exit_codes_are_documented() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    help_text = console("--help").stdout.decode()
    for status in ExitStatus:
        assert f"| {int(status)} |" in readme, status
        assert f"  {int(status)} " in help_text, status


def test_a_closed_stdout_is_a_usage_error() -> None:
    result = console("score", str(SEED), shell=f"PROVENANCE score {SEED} >&-")
    assert result.returncode == 2 and b"standard output is closed" in result.stderr


# --- streams: broken pipes, FIFOs, /dev/stdin, encodings, sizes -----------------------------------------


def test_a_broken_pipe_is_quiet(tmp_path: Path) -> None:
    for i in range(40):
        (tmp_path / f"{i:02}.txt").write_text(ARTICLE * 50, encoding="utf-8")
    result = console(shell=f"set -o pipefail; PROVENANCE score {tmp_path} | head -1")
    assert result.stdout.count(b"\n") == 1
    assert result.stderr == b"", result.stderr
    assert result.returncode == 141


def test_a_broken_pipe_in_process_returns_141() -> None:
    class Closed(io.StringIO):
        def write(self, text: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

    status, _, err = call("score", str(SEED), out=Closed())
    assert status == ExitStatus.BROKEN_PIPE and err == ""


def test_stdin_and_files_are_decoded_alike(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    latin = "Le maire a dit: café. Des sources ont affirmé le contraire.".encode("latin-1")
    path = tmp_path / "latin.txt"
    path.write_bytes(latin)
    from_file = call("score", str(path), "--format", "json")
    from_stdin = call("score", "-", "--format", "json", stdin=latin, monkeypatch=monkeypatch)
    assert from_file[0] == from_stdin[0] == 2
    assert "not UTF-8 text (byte 0xe9" in from_file[2] and "not UTF-8 text (byte 0xe9" in from_stdin[2]
    from_file = call("score", str(path), "--format", "json", "--encoding", "latin-1")
    from_stdin = call("score", "-", "--format", "json", "--encoding", "latin-1", stdin=latin, monkeypatch=monkeypatch)
    assert from_file[0] == from_stdin[0] == 0
    assert [{**r, "path": ""} for r in json.loads(from_file[1])] == [{**r, "path": ""} for r in json.loads(from_stdin[1])]
    assert "café" in json.loads(from_file[1])[0]["sentences"][0]["text"]


def test_size_is_checked_before_reading(tmp_path: Path) -> None:
    import tracemalloc

    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as handle:
        handle.truncate(300_000_000)  # sparse: 300 MB on paper
    tracemalloc.start()
    started = time.perf_counter()
    status, _, err = call("score", str(huge))
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert status == 2 and "300,000,000 bytes, more than --max-chars 1,000,000 can take" in err
    assert elapsed < 2 and peak < 10_000_000


def test_a_long_stream_is_read_only_up_to_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    status, _, err = call("score", "-", "--max-chars", "100", stdin=b"x" * 5_000, monkeypatch=monkeypatch)
    assert status == 2 and "provenance: -: more than 400 bytes, more than --max-chars 100 can take" in err
    status, _, err = call("score", "-", "--max-chars", "100", stdin=b"x" * 300, monkeypatch=monkeypatch)
    assert status == 2 and "provenance: -: 300 characters, over --max-chars 100" in err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifos_dev_stdin_and_process_substitution_are_read(tmp_path: Path) -> None:
    fifo = tmp_path / "article.fifo"
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: fifo.write_text(ARTICLE, encoding="utf-8"))
    writer.start()
    status, out, err = call("score", str(fifo), "--format", "jsonl")
    writer.join(timeout=10)
    assert status == 0, err
    assert _without_path(out, str(fifo)) == provenance.score(ARTICLE)
    result = console("score", "/dev/stdin", "--format", "jsonl", stdin=ARTICLE.encode())
    assert result.returncode == 0 and _without_path(result.stdout, "/dev/stdin") == provenance.score(ARTICLE)
    result = console(shell=f"PROVENANCE score <(printf '%s' '{ARTICLE}') --format jsonl")
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record.pop("path").startswith("/dev/fd/")
    assert provenance.ArticleScore.model_validate(record) == provenance.score(ARTICLE)


def _without_path(record: str | bytes, path: str) -> provenance.ArticleScore:
    """The ArticleScore in a JSONL record, after checking the record's path."""
    fields = json.loads(record)
    assert fields.pop("path") == path
    return provenance.ArticleScore.model_validate(fields)


def test_an_empty_directory_is_a_usage_error(tmp_path: Path) -> None:
    status, out, err = call("score", str(tmp_path), "--format", "json")
    assert status == 2 and out == "" and "no .txt files" in err


# --- terminal output: nothing in an article or a name acts on the terminal -----------------------------


HOSTILE = "Sources said \x1b[2J\x1b]0;pwned\x07 it\r was over\x9b31m \u202egnirts\u202c. Officials said so."


@pytest.mark.parametrize("terminal", [False, True])
def test_control_characters_are_escaped_in_text_output(tmp_path: Path, terminal: bool) -> None:
    path = tmp_path / "name\x1b[31m\r.txt"
    path.write_text(HOSTILE, encoding="utf-8")
    status, out, _ = call("score", str(path), out=_Terminal() if terminal else io.StringIO())
    assert status == 0
    own = out.replace("\033[1;33m", "").replace("\033[4m", "").replace("\033[0m", "")  # our own highlight and underline
    assert not any(ch in own for ch in "\x1b\x07\r\x9b\u202e\u202c"), own
    assert "\\x1b[2J" in out and "\\r" in out and "\\u202e" in out and "name\\x1b[31m\\r.txt" in out
    assert ("\033[1;33m" in out) == terminal


def test_errors_are_one_escaped_line(tmp_path: Path) -> None:
    status, _, err = call("score", str(tmp_path / "mis\nsing\x1b[31m.txt"))
    assert status == 2 and err.count("\n") == 1 and "\\n" in err and "\x1b" not in err


def test_printable_keeps_text_and_escapes_controls() -> None:
    assert printable("café 消息 \t ok") == "café 消息 \t ok"
    assert printable("\x1b\r\n\x00\x85\u2028\u202e\ud800") == "\\x1b\\r\\n\\x00\\x85\\u2028\\u202e\\ud800"
    result = provenance.score(HOSTILE)
    shown = format_text("x", result, set(provenance.LABELS), 0.0, colour=False)
    assert "\x1b" not in shown and "\r" not in shown


# --- writing files: never truncate on failure -----------------------------------------------------------


def test_render_never_truncates_an_existing_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    keep = tmp_path / "keep.html"
    keep.write_text("<p>yesterday's report</p>", encoding="utf-8")
    status, _, err = call("render", "-", "-o", str(keep), stdin=b"caf\xe9 sources said", monkeypatch=monkeypatch)
    assert status == 2 and "not UTF-8" in err
    assert keep.read_text(encoding="utf-8") == "<p>yesterday's report</p>"
    import provenance.report

    monkeypatch.setattr(provenance.report, "render_html", lambda *a, **k: 1 / 0)
    status, _, _ = call("render", str(SEED), "-o", str(keep))
    assert status == 3 and keep.read_text(encoding="utf-8") == "<p>yesterday's report</p>"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.html"], "a temporary file was left behind"


def test_render_replaces_the_report_in_one_step(tmp_path: Path) -> None:
    keep = tmp_path / "keep.html"
    keep.write_text("old", encoding="utf-8")
    os.chmod(keep, 0o640)
    assert call("render", str(SEED), "-o", str(keep))[0] == 0
    assert "<mark" in keep.read_text(encoding="utf-8") and (keep.stat().st_mode & 0o777) == 0o640
    link = tmp_path / "link.html"
    link.symlink_to(keep)
    assert call("render", str(SEED), "-o", str(link))[0] == 0
    assert link.is_symlink()
    assert call("render", str(SEED), "-o", "/dev/null")[0] == 0  # a device is written, not replaced


# --- train: never into the package ------------------------------------------------------------------


def test_train_requires_out_and_refuses_the_package(tmp_path: Path) -> None:
    status, _, err = call("train")
    assert status == 2 and "--out" in err
    package = Path(provenance.__file__).parent
    before = {p.name: p.stat().st_mtime_ns for p in (package / "data").iterdir()}
    for target in (package / "data", package, package / "data" / "new_model"):
        status, _, err = call("train", "--out", str(target))
        assert status == 2 and "inside the installed provenance package" in err
    assert {p.name: p.stat().st_mtime_ns for p in (package / "data").iterdir()} == before
    home = tmp_path / "home"
    home.mkdir()
    (home / "notes.txt").write_text("mine", encoding="utf-8")
    status, _, err = call("train", "--out", str(home))
    assert status == 2 and "holds other files ('notes.txt')" in err


def test_provenance_train_is_provenance_train() -> None:
    from provenance.training.__main__ import main

    assert main([]) == 2
    result = subprocess.run([sys.executable, "-m", "provenance.training", "--out", str(Path(provenance.__file__).parent)],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 2 and "inside the installed provenance package" in result.stderr
