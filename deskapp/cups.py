"""Handing a PDF to the system's printing and reading what it says: CUPS ``lp`` / ``lpstat`` on
Linux and macOS, the shell's print verb on Windows.

Nothing here knows packs or records anything (:mod:`deskapp.printing` does): it returns a
:class:`PrinterResult` whose ``error`` is in Chinese for the clerk. A job is watched for up to
:data:`JOB_WAIT_S` seconds, so a printer that refuses or stops is reported, and a failed job is
cancelled so that it cannot print later beside its outbox copy.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

LP_TIMEOUT_S = 20.0
"""Seconds ``lp``, ``lpstat`` and ``cancel`` may take before the desk gives up on them."""
JOB_WAIT_S = 8.0
"""Seconds a print waits to see its job fail or go through (in a worker: the desk carries on)."""


@dataclass(frozen=True)
class PrinterResult:
    """What the printer side said."""

    ok: bool
    printer: str = ""
    job: str = ""
    error: str = ""


def send_to_printer(pdf_path: Path, printer: str = "", title: str = "") -> PrinterResult:
    """Hand the PDF at ``pdf_path`` to the system's printing: CUPS ``lp`` on Linux/macOS, the shell's
    print on Windows. ``printer`` empty: the system's default printer; ``title``: the job's name.

    Never raises: no ``lp``, no printer, a disabled or unknown printer, a refused or failed job,
    a timeout all come back as ``ok=False`` with the reason in ``error``.
    """
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows desks only
        return _print_windows(pdf_path, printer)
    return _print_cups(pdf_path, printer, title)


def _print_cups(pdf_path: Path, printer: str, title: str) -> PrinterResult:
    lp = shutil.which("lp")
    if lp is None:
        return PrinterResult(False, printer, error="本机没有打印命令 lp（未安装 CUPS）")
    name = printer or _default_printer()
    if not name:
        return PrinterResult(False, "", error="没有设置打印机，系统也没有默认打印机")
    state = _printer_state(name)
    if state:
        return PrinterResult(False, name, error=state)
    command = [lp, "-d", name]
    if title:
        command += ["-t", title]
    command.append(str(pdf_path))
    try:
        out = subprocess.run(
            command, check=False, capture_output=True, text=True, timeout=LP_TIMEOUT_S, stdin=subprocess.DEVNULL
        )
    except subprocess.TimeoutExpired:
        return PrinterResult(False, name, error=f"打印服务 {LP_TIMEOUT_S:.0f} 秒内没有响应")
    except OSError as exc:
        return PrinterResult(False, name, error=f"无法运行 lp：{exc.strerror or exc}")
    if out.returncode != 0:
        detail = (out.stderr or out.stdout).strip().splitlines()
        return PrinterResult(
            False, name, error="打印任务被拒绝：" + (detail[-1] if detail else f"lp 退出码 {out.returncode}")
        )
    match = re.search(r"request id is (\S+)", out.stdout)
    job = match.group(1) if match else ""
    failure = _follow_job(name, job) if job else ""
    if failure:
        _lpstat_cancel(job)
        return PrinterResult(False, name, job, error=failure)
    return PrinterResult(True, name, job=job)


def _follow_job(printer: str, job: str) -> str:
    """Watch a queued job for up to ``JOB_WAIT_S``: why it failed, or empty (done, or still printing)."""
    deadline = time.monotonic() + JOB_WAIT_S
    while True:
        listing = _lpstat("-l", "-o", printer)
        if listing is None:
            return ""
        block = _job_block(listing, job)
        if block is None:  # no longer waiting: CUPS handed it to the printer, or gave up on it
            block = _job_block(_lpstat("-l", "-W", "completed", "-o", printer) or "", job) or ""
            return _job_failure(block, r"error|stopped|aborted|canceled")
        failure = _job_failure(block, r"error|stopped|aborted")
        if failure:
            return failure
        state = _printer_state(printer)
        if state:
            return state
        if time.monotonic() > deadline:
            return ""
        time.sleep(0.25)


def _job_failure(block: str, bad_alerts: str) -> str:
    """Why a job listed by ``lpstat -l`` failed, from its Status and Alerts lines (empty: it did not)."""
    status = re.search(r"Status:\s*(.+)", block)
    alerts = re.search(r"Alerts:\s*(.+)", block)
    if (alerts and re.search(bad_alerts, alerts.group(1))) or (status and "failed" in status.group(1).lower()):
        reason = (status or alerts).group(1).strip()  # type: ignore[union-attr]
        return f"打印任务失败（{reason}）"
    return ""


def _job_block(listing: str, job: str) -> str | None:
    lines = listing.splitlines()
    for n, line in enumerate(lines):
        if line.split(" ", 1)[0] == job:
            rest = []
            for follow in lines[n + 1 :]:
                if not follow.startswith(("\t", " ")):
                    break
                rest.append(follow)
            return "\n".join(rest)
    return None


def _lpstat_cancel(job: str) -> None:
    """Take a failed job off the queue, so it cannot print later beside its outbox copy."""
    cancel = shutil.which("cancel")
    if cancel is None:
        return
    with suppress(subprocess.TimeoutExpired, OSError):
        subprocess.run([cancel, job], check=False, capture_output=True, timeout=LP_TIMEOUT_S, stdin=subprocess.DEVNULL)


def _lpstat(*args: str) -> str | None:
    lpstat = shutil.which("lpstat")
    if lpstat is None:
        return None
    try:
        out = subprocess.run(
            [lpstat, *args],
            check=False,
            capture_output=True,
            text=True,
            timeout=LP_TIMEOUT_S,
            stdin=subprocess.DEVNULL,
            env={**os.environ, "LC_ALL": "C", "LANG": "C"},
        )
    except (subprocess.TimeoutExpired, OSError):
        return None
    return out.stdout if out.returncode == 0 else (out.stdout + out.stderr)


def _default_printer() -> str:
    text = _lpstat("-d") or ""
    match = re.search(r"system default destination:\s*(\S+)", text)
    return match.group(1) if match else ""


def _printer_state(name: str) -> str:
    """Why ``name`` cannot print now (empty when it can, or when lpstat cannot tell)."""
    text = _lpstat("-p", name)
    if text is None:
        return ""
    if "Invalid destination" in text or "does not exist" in text or "Unknown destination" in text:
        return f"打印机“{name}”不存在"
    if re.search(rf"printer {re.escape(name)} disabled", text):
        return f"打印机“{name}”已停用（暂停）"
    return ""


def _print_windows(pdf_path: Path, printer: str) -> PrinterResult:  # pragma: no cover - Windows only
    try:
        if printer:
            os.startfile(str(pdf_path), "printto", f'"{printer}"')  # type: ignore[attr-defined]
        else:
            os.startfile(str(pdf_path), "print")  # type: ignore[attr-defined]
    except OSError as exc:
        return PrinterResult(
            False, printer, error=f"系统打印失败：{exc.strerror or exc}（请确认已安装 PDF 阅读器并设置了默认打印机）"
        )
    return PrinterResult(True, printer or "默认打印机")
