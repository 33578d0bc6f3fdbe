"""The console script builds only the parser of the command it runs."""

from __future__ import annotations

import argparse
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


def _undescribed(parser: argparse.ArgumentParser, path: str) -> list[str]:
    """The arguments of ``parser`` and of its sub-commands, at any depth, without a help text."""
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            described = {choice.dest for choice in action._choices_actions if choice.help}
            for name, sub in action.choices.items():
                if name not in described:
                    found.append(f"{path} {name}")
                found += _undescribed(sub, f"{path} {name}")
        elif not isinstance(action, argparse._HelpAction) and not action.help:
            found.append(f"{path} {'/'.join(action.option_strings) or action.dest}")
    return found


def test_every_command_and_argument_has_a_help_text() -> None:
    assert _undescribed(build_parser(), "dakmatch") == []
    bare = argparse.ArgumentParser(prog="x")
    bare.add_argument("--quiet")
    assert _undescribed(bare, "x") == ["x --quiet"]  # the check would catch one
