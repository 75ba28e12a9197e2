"""PINs: every staff member's own (a served desk asks each one), a supervisor's for the actions only
they may do. Stored only as a salted scrypt hash, checked in constant time; wrong attempts limited
per name tried and every one recorded in the journal with the counter it came from."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import socket
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from filelock import FileLock

from deskapp.config import Config, StaffMember
from deskapp.journal import write_atomic

if TYPE_CHECKING:
    from deskapp.store import DeskStore

_N, _R, _P = 2**14, 8, 1
PIN_MIN_DIGITS = 6
FREE_ATTEMPTS = 5
"""Wrong PINs in a row a name may have before the desk makes them wait."""
PAUSE_FIRST = timedelta(minutes=1)
PAUSE_MAX = timedelta(hours=1)
ENV_COUNTER = "DESK_COUNTER"
"""Names the counter (desk) a session runs for; ``deskapp serve`` sets it to the browser's address."""
PIN_REFUSED = "pin_refused"


class NotAllowed(PermissionError):
    """A clerk asked for a supervisor action, or the PIN was wrong; message for the clerk."""


def check_new_pin(pin: str, again: str | None = None) -> str:
    """The PIN if it is at least :data:`PIN_MIN_DIGITS` digits (and ``again`` matches, when given);
    else ValueError with a Chinese message."""
    pin = pin.strip()
    if not pin.isascii() or not pin.isdigit() or len(pin) < PIN_MIN_DIGITS:
        raise ValueError(f"PIN 应为至少 {PIN_MIN_DIGITS} 位数字")
    if again is not None and again.strip() != pin:
        raise ValueError("两次输入的 PIN 不一致")
    return pin


def hash_pin(pin: str, *, salt: bytes | None = None) -> str:
    """``scrypt$N$r$p$salt$hash`` (base64) for a PIN of at least :data:`PIN_MIN_DIGITS` digits (ValueError else)."""
    pin = check_new_pin(pin)
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(pin.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${_b64(salt)}${_b64(digest)}"


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def verify_pin(pin: str, stored: str) -> bool:
    """Whether ``pin`` (surrounding spaces ignored) hashes to ``stored``, a :func:`hash_pin` string, compared
    in constant time. Never raises: a stored value that is not ``scrypt$N$r$p$salt$hash`` (empty, another
    scheme, bad base64, parameters scrypt refuses) is simply not a match, so a damaged staff entry locks
    that person out instead of stopping the desk."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            pin.strip().encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=len(expected)
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def counter_label() -> str:
    """The counter a session works at, as recorded with a refused PIN: ``DESK_COUNTER`` (a served browser
    session), else the SSH client's address (a forced-command account), else this computer's name."""
    if os.environ.get(ENV_COUNTER):
        return os.environ[ENV_COUNTER]
    if os.environ.get("SSH_CLIENT"):
        return f"SSH {os.environ['SSH_CLIENT'].split()[0]}"
    return f"{socket.gethostname()} 本机"


def pause_after(failures: int) -> timedelta:
    """How long a name waits after ``failures`` wrong PINs in a row: none up to :data:`FREE_ATTEMPTS`,
    then 1 min, doubling with each further one, at most 1 h (however many failures: the doubling stops at
    the cap, so a long siege cannot overflow it)."""
    if failures < FREE_ATTEMPTS:
        return timedelta(0)
    pause = PAUSE_FIRST
    for _ in range(failures - FREE_ATTEMPTS):
        if pause >= PAUSE_MAX:
            break
        pause *= 2
    return min(pause, PAUSE_MAX)


def _wait_text(left: timedelta) -> str:
    seconds = max(1, int(left.total_seconds() + 0.999))
    minutes, seconds = divmod(seconds, 60)
    return f"{minutes} 分 {seconds} 秒" if minutes else f"{seconds} 秒"


def check_pin(store: DeskStore, name: str, pin: str, stored_hash: str, *, counter: str | None = None) -> None:
    """Check ``name``'s PIN against ``stored_hash`` within the attempt limits shared by every desk on
    this data folder (``pin_attempts.json``, under a file lock). A wrong PIN, or one tried while the
    name must wait, raises :class:`NotAllowed` and is recorded as ``pin_refused`` with the counter and
    the name tried; a right one clears the count."""
    counter = counter or counter_label()
    state_file = store.locations.data / "pin_attempts.json"
    with FileLock(str(store.locations.data / "pin_attempts.lock"), timeout=10):
        try:
            state = json.loads(state_file.read_text(encoding="utf-8"))
            if not isinstance(state, dict):
                state = {}
        except (OSError, ValueError):
            state = {}
        now = store.clock()
        failures, until = _attempts(state.get(name))
        if until is not None and now < until:
            message = f"{name} 的 PIN 已连续输错 {failures} 次，请 {_wait_text(until - now)}后再试。"
            _refused(store, name, counter, failures, message, waiting=True)
            raise NotAllowed(message)
        if verify_pin(pin, stored_hash):
            if name in state:
                del state[name]
                _write_state(state_file, state)
            return
        failures += 1
        pause = pause_after(failures)
        state[name] = {"failures": failures, "until": (now + pause).isoformat() if pause else ""}
        _write_state(state_file, state)
    message = "PIN 不正确，请重试。"
    if pause:
        message = f"PIN 已连续输错 {failures} 次，请 {_wait_text(pause)}后再试。"
    elif failures >= FREE_ATTEMPTS - 2:
        message = f"PIN 不正确（已连续输错 {failures} 次，满 {FREE_ATTEMPTS} 次须等待后再试）。"
    _refused(store, name, counter, failures, message, waiting=False)
    raise NotAllowed(message)


def _attempts(record: object) -> tuple[int, datetime | None]:
    """A name's entry in ``pin_attempts.json`` as (failures in a row, waiting until). The file is written
    only by :func:`check_pin`, but a damaged entry (hand edit, a torn copy) must not stop sign-in with a
    traceback: a count that is not a whole number reads as 0, a time that is not an ISO time with its zone
    as no wait."""
    if not isinstance(record, dict):
        return 0, None
    failures = record.get("failures", 0)
    if not isinstance(failures, int) or isinstance(failures, bool) or failures < 0:
        failures = 0
    until: datetime | None = None
    raw = record.get("until")
    if isinstance(raw, str) and raw:
        try:
            until = datetime.fromisoformat(raw)
        except ValueError:
            until = None
        if until is not None and until.tzinfo is None:
            until = None
    return failures, until


def _write_state(path: Path, state: dict[str, object]) -> None:
    write_atomic(path, json.dumps(state, ensure_ascii=False).encode("utf-8"))


def _refused(store: DeskStore, name: str, counter: str, failures: int, message: str, *, waiting: bool) -> None:
    store.record_event(
        PIN_REFUSED,
        name,
        data={"counter": counter, "name_tried": name, "failures": failures, "waiting": waiting},
        reason=message,
    )


def require_supervisor(config: Config, name: str, pin: str, store: DeskStore | None = None) -> StaffMember:
    """The supervisor ``name`` if the PIN is right; else :class:`NotAllowed` with a clear message.

    With ``store`` (every real caller: the CLI, the dialogs) the PIN goes through :func:`check_pin`:
    attempts limited, refusals recorded; an unknown name or a clerk's is recorded as refused too."""
    member = config.staff_member(name)
    if member is None or not member.is_supervisor:
        message = (
            f"{name} 不在人员名单中"
            if member is None
            else f"{name} 是受理员，此操作需要科室负责人权限。请科室负责人登录后操作。"
        )
        if store is not None:
            _refused(store, name, counter_label(), 0, message, waiting=False)
        raise NotAllowed(message)
    if store is not None:
        check_pin(store, name, pin, member.pin_hash)
    elif not verify_pin(pin, member.pin_hash):
        raise NotAllowed("PIN 不正确，请重试。")
    return member
