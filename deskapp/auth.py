"""Supervisor PINs: stored only as a salted scrypt hash, checked in constant time."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from deskapp.config import Config, StaffMember

_N, _R, _P = 2**14, 8, 1


class NotAllowed(PermissionError):
    """A clerk asked for a supervisor action, or the PIN was wrong; message for the clerk."""


def hash_pin(pin: str, *, salt: bytes | None = None) -> str:
    """``scrypt$N$r$p$salt$hash`` (base64) for a PIN of at least 4 digits or letters."""
    if len(pin.strip()) < 4:
        raise ValueError("PIN 至少 4 位")
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(pin.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    b64 = lambda b: base64.b64encode(b).decode("ascii")  # noqa: E731
    return f"scrypt${_N}${_R}${_P}${b64(salt)}${b64(digest)}"


def verify_pin(pin: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            pin.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=len(expected)
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def require_supervisor(config: Config, name: str, pin: str) -> StaffMember:
    """The supervisor ``name`` if the PIN is right; else :class:`NotAllowed` with a clear message."""
    member = config.staff_member(name)
    if member is None:
        raise NotAllowed(f"{name} 不在人员名单中")
    if not member.is_supervisor:
        raise NotAllowed(f"{name} 是受理员，此操作需要科室负责人权限。请科室负责人登录后操作。")
    if not verify_pin(pin, member.pin_hash):
        raise NotAllowed("PIN 不正确，请重试。")
    return member
