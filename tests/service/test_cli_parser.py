"""The console script builds only the parser of the command it runs."""

from __future__ import annotations

import subprocess
import sys

import pytest

from service.cli import COMMAND_MODULES, build_parser, main

_PROBE = (
    "import sys; from service.cli import build_parser; build_parser({command!r}); "
    "print(sorted(m for m in ('service.web', 'fastapi', 'service.cli.users_cmd') "
    "if m in sys.modules))"
)


def _loaded(command: str | None) -> str:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE.format(command=command)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout.strip()


def test_a_batch_run_does_not_import_the_web_app() -> None:
    assert _loaded("batch") == "[]"


def test_help_lists_every_command() -> None:
    assert _loaded(None) == "['fastapi', 'service.cli.users_cmd', 'service.web']"
    help_text = build_parser().format_help()
    for name in COMMAND_MODULES:
        assert name in help_text


def test_an_unknown_command_is_refused_naming_the_choices(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["nosuch"])
    assert exited.value.code == 2
    assert "invalid choice: 'nosuch'" in capsys.readouterr().err
