"""The office's secret: 32 random bytes in ``data/secret.key`` (hex, mode 0600), created once.

It keys the receipt slips' QR tags (:mod:`deskapp.receipt_qr`) and the journal's HMAC chain
(:mod:`deskapp.chain`), so it lives apart from both: neither needs the other to read it. Losing it
makes every slip issued unverifiable, so it is never replaced, only restored from a backup.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

SECRET_BYTES = 32


class SecretError(Exception):
    """The office's secret cannot be read or created; the message is for the clerk."""


def load_secret(path: Path) -> bytes:
    """The office's secret, created (32 random bytes, hex, mode 0600) the first time. Raises
    :class:`SecretError` (Chinese message: restore it from a backup) when it cannot be read or created, or
    is not 64 hex digits — never replaces it, since every slip issued would stop verifying."""
    try:
        return _read_secret(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(SECRET_BYTES) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)  # fails when another desk created it meanwhile: then theirs wins
        except FileExistsError:
            pass
        except OSError:
            if not path.exists():
                os.replace(tmp, path)
    except OSError as exc:
        raise SecretError(f"无法创建防伪密钥文件 {path}：{exc.strerror or exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)
    return _read_secret(path)


def _read_secret(path: Path) -> bytes:
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        raise
    except (OSError, UnicodeDecodeError) as exc:
        raise SecretError(f"无法读取防伪密钥文件 {path}：{exc}。请用备份恢复该文件，不要删除它。") from exc
    if not re.fullmatch(r"[0-9a-fA-F]{64}", text):
        raise SecretError(f"防伪密钥文件 {path} 已损坏。请用备份恢复该文件；删除它会使已发出的回执全部无法验证。")
    return bytes.fromhex(text)
