"""A run's processes end with the run.

- SIGTERM and SIGINT (Ctrl+C) stop a run cleanly: `install_stop_handlers` makes them raise RunInterrupted (a
  KeyboardInterrupt) in the main thread; the stage in progress unwinds (dbt is terminated, extraction workers are
  stopped, an open landing transaction is rolled back), the run is recorded as cancelled in audit.runs, its summary
  is printed, and the temporary Prefect server is stopped on the way out. Exit code 128 + the signal (130, 143).
- SIGKILL cannot be caught: the children end by themselves. Each one ccperf starts (dbt, Prefect's temporary API
  server) is started through `child_command`, which asks Linux to send it SIGTERM when the thread that started it
  dies (prctl PR_SET_PDEATHSIG, set in a tiny launcher between fork and exec); extraction workers set the same
  in their initializer. The run starts them from its main thread, so they end when the run's process does.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
from collections.abc import Callable, Sequence
from typing import Any

PR_SET_PDEATHSIG = 1

# Runs in a fresh interpreter before the real program: ask for SIGTERM when the parent dies, make sure the parent
# has not died already, then become the program (exec keeps the pid and the parent-death signal).
_LAUNCHER = (
    "import ctypes, os, signal, sys\n"
    "try:\n"
    "    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0)\n"
    "except Exception:\n"
    "    pass\n"
    "if os.getppid() != int(sys.argv[1]):\n"
    "    sys.exit(143)\n"
    "os.execvp(sys.argv[2], sys.argv[2:])\n"
)


def supports_parent_death_signal() -> bool:
    return sys.platform.startswith("linux")


def child_command(args: Sequence[str]) -> list[str]:
    """`args` wrapped so that the program gets SIGTERM when this process dies (Linux; elsewhere unchanged)."""
    if not supports_parent_death_signal():
        return list(args)
    return [sys.executable, "-c", _LAUNCHER, str(os.getpid()), *args]


def die_with_parent(signum: int = signal.SIGTERM) -> None:
    """In a child process (e.g. a pool worker's initializer): end with the thread that created it."""
    if not supports_parent_death_signal():
        return
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signum, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent died before prctl: nobody is left to wait for this worker
        os._exit(143)


class RunInterrupted(KeyboardInterrupt):
    """SIGTERM or SIGINT arrived: the run stops, is recorded as cancelled and prints its summary."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(f"stopped by {signal.Signals(signum).name}")

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


_received: list[int] = []


def install_stop_handlers() -> Callable[[], None]:
    """SIGTERM and SIGINT raise RunInterrupted (once; later signals are noted while the run cleans up). Returns a
    function restoring the previous handlers."""
    previous: dict[int, Any] = {}

    def handler(signum: int, frame: Any) -> None:
        _received.append(signum)
        if len(_received) == 1:
            raise RunInterrupted(signum)
        print(f"ccperf: {signal.Signals(signum).name} again: already stopping (SIGKILL ends at once, its "
              "children end with it)", file=sys.stderr, flush=True)

    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(ValueError):  # not the main thread: the caller handles stopping
            previous[signum] = signal.signal(signum, handler)

    def restore() -> None:
        for signum, old in previous.items():
            signal.signal(signum, old)
        _received.clear()

    return restore


def stop_signal(exc: BaseException) -> int | None:
    """The signal a stopping exception stands for: RunInterrupted, Prefect's TerminationSignal, KeyboardInterrupt."""
    if isinstance(exc, RunInterrupted):
        return exc.signum
    if type(exc).__name__ == "TerminationSignal":  # prefect.exceptions: raised by Prefect's SIGTERM bridge
        return int(getattr(exc, "signal", signal.SIGTERM))
    if isinstance(exc, KeyboardInterrupt):
        return signal.SIGINT
    return None


class _SubprocessWithParentDeath:
    """Stands for the `subprocess` module inside Prefect's temporary-server code: its Popen starts the server
    through child_command, so the server ends with the run even when the run is killed."""

    def __init__(self, module: Any) -> None:
        self._module = module

    def __getattr__(self, name: str) -> Any:
        return getattr(self._module, name)

    def Popen(self, args: Sequence[str], *rest: Any, **kwargs: Any) -> Any:  # noqa: N802 - mirrors subprocess
        return self._module.Popen(child_command(args), *rest, **kwargs)


def guard_prefect_server() -> None:
    """Make the temporary Prefect API server that `prefect` starts (no PREFECT_API_URL) end with this process."""
    try:
        import prefect.server.api.server as server
    except ImportError:
        return
    if not isinstance(server.subprocess, _SubprocessWithParentDeath) and hasattr(server.subprocess, "Popen"):
        server.subprocess = _SubprocessWithParentDeath(server.subprocess)  # type: ignore[assignment]
