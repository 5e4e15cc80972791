"""`audit verify`'s second process: when it ends without its result, the reason it is told
says how it ended (a signal by its number and name, an exit by its code)."""

from __future__ import annotations

import os
import signal
from typing import NoReturn

from campaign.audit.verify import Failed, _in_two


def _killed() -> NoReturn:
    os.kill(os.getpid(), signal.SIGKILL)
    raise AssertionError("not reached")


def _exits() -> NoReturn:
    os._exit(3)


def test_a_second_process_killed_by_a_signal_is_told_by_the_signals_name() -> None:
    one, other = _in_two(lambda: 1, _killed)
    assert one == 1
    assert other == Failed("it was ended by signal 9 (SIGKILL)")


def test_a_second_process_that_exits_is_told_by_its_exit_code() -> None:
    assert _in_two(lambda: 1, _exits)[1] == Failed("it ended with exit code 3")


def test_a_second_process_that_fails_sends_its_reason() -> None:
    def fails() -> int:
        raise ValueError("the chain's index is gone")

    assert _in_two(lambda: 1, fails)[1] == Failed("the chain's index is gone")


def test_a_second_process_that_finishes_sends_its_result() -> None:
    assert _in_two(lambda: 1, lambda: (2, b"\x00"))[1] == (2, b"\x00")
