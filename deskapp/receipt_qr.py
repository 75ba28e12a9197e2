"""The forgery-proof QR payload of receipt slips, and reading a scanned one back.

A payload is ``<receipt> U <office> <tag>``:

- ``<receipt>``: the receipt number with everything but capital letters and digits left out
  (``ZD2026-GZS-0001`` -> ``ZD2026GZS0001``): keyboard-wedge scanners type letters and digits
  reliably on any keyboard layout, while punctuation depends on the layout, and a Chinese IME
  turns ``:`` into ``：``.
- ``U``: the separator. The code after it uses Crockford's base 32 alphabet, which has no
  ``U``, so the last ``U`` of a payload is always the separator, whatever the receipt holds.
- ``<office>``: 2 characters (10 bits) naming the office's secret, so a slip of another
  office (another data folder) is told apart from an altered one.
- ``<tag>``: 16 characters, the first 80 bits of HMAC-SHA256(secret, receipt).

The secret is 32 random bytes, created on first use in ``Locations.secret`` (``data/secret.key``,
mode 0600). It never goes into git (``data/`` is ignored) nor into exports. Losing it means
old slips can no longer be verified, so a damaged secret file is reported, never replaced.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from deskapp.office_secret import SecretError, load_secret

if TYPE_CHECKING:
    from deskapp.models import Pack
    from deskapp.store import DeskStore

SEPARATOR = "U"
OFFICE_LEN = 2
TAG_LEN = 16  # 16 x 5 bits = 80 bits
CODE_LEN = OFFICE_LEN + TAG_LEN
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# Crockford's reading of characters a person may type for the ones printed.
_CROCKFORD_READ = str.maketrans({"O": "0", "I": "1", "L": "1"})

# Why a scanned payload was refused: code -> what the clerk reads.
REFUSALS: dict[str, str] = {
    "empty": "没有读到内容，请重新扫码。",
    "not_desk_code": "不是本受理台的回执二维码（格式不符）。",
    "truncated": "回执二维码内容不完整（被截断），请重新扫码；仍不行请手工输入收件编号查询。",
    "altered": "回执二维码校验失败：编号或防伪码被改动，不是本科室出具的真实回执。",
    "foreign": "回执二维码不是本受理台（本科室数据）出具的：防伪码属于另一套数据。",
    "unknown_receipt": "防伪码有效，但本受理台没有这个收件编号的记录（数据可能不完整，请联系管理员）。",
}


@dataclass(frozen=True)
class ScanResult:
    """What a scanned payload turned out to be."""

    genuine: bool
    code: str
    """``genuine`` or a key of :data:`REFUSALS`."""
    receipt_key: str = ""
    """The receipt number as carried in the payload (letters and digits only)."""
    payload: str = ""
    """The normalised payload."""

    @property
    def message(self) -> str:
        """The verdict in Chinese for the clerk: 真实回执：number, or why it was refused (:data:`REFUSALS`)."""
        if self.genuine:
            return f"真实回执：{self.receipt_key}"
        return REFUSALS.get(self.code, "回执二维码无效。")


def normalise(text: str) -> str:
    """What a scanner or IME typed, as read here: NFKC (full width -> ASCII), upper case, no spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).upper()


def receipt_key(receipt_no: str) -> str:
    """A receipt number reduced to capital letters and digits, as the payload carries it."""
    return re.sub(r"[^0-9A-Z]", "", normalise(receipt_no))


def _base32(data: bytes, length: int) -> str:
    number = int.from_bytes(data, "big")
    bits = len(data) * 8
    out = []
    for i in range(length):
        shift = bits - 5 * (i + 1)
        out.append(CROCKFORD[(number >> shift) & 31])
    return "".join(out)


class ReceiptSigner:
    """Signs receipt numbers and verifies payloads under one office's secret."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise SecretError("防伪密钥太短。")
        self._secret = secret
        self.office = _base32(hmac.new(secret, b"desk-office", hashlib.sha256).digest()[:2], OFFICE_LEN)

    def _tag(self, key: str) -> str:
        digest = hmac.new(self._secret, b"desk-slip:" + key.encode("ascii"), hashlib.sha256).digest()
        return _base32(digest[:10], TAG_LEN)

    def payload(self, receipt_no: str) -> str:
        """The QR payload for a receipt number: ``<receipt key>U<office><tag>``, letters and digits only
        (what a scanner types reliably). ValueError when the number has no letters or digits."""
        key = receipt_key(receipt_no)
        if not key:
            raise ValueError(f"收件编号无效：{receipt_no!r}")
        return f"{key}{SEPARATOR}{self.office}{self._tag(key)}"

    def verify(self, scanned: str) -> ScanResult:
        """Read a scanned payload: genuine (with its receipt) or refused (with the reason)."""
        text = normalise(scanned)
        if not text:
            return ScanResult(False, "empty")
        if not re.fullmatch(r"[0-9A-Z]+", text):
            return ScanResult(False, "not_desk_code", payload=text)
        cut = text.rfind(SEPARATOR)
        if cut <= 0 or not any(c.isdigit() for c in text[:cut]):
            return ScanResult(False, "not_desk_code", payload=text)
        key, code = text[:cut], text[cut + 1 :].translate(_CROCKFORD_READ)
        if not all(c in CROCKFORD for c in code):
            # The tail holds letters the code never uses: not our payload, or the U was not ours.
            return ScanResult(False, "not_desk_code", key, text)
        if len(code) < CODE_LEN:
            return ScanResult(False, "truncated", key, text)
        if len(code) > CODE_LEN:
            return ScanResult(False, "altered", key, text)
        office, tag = code[:OFFICE_LEN], code[OFFICE_LEN:]
        tag_ok = hmac.compare_digest(tag.encode("ascii"), self._tag(key).encode("ascii"))
        office_ok = hmac.compare_digest(office.encode("ascii"), self.office.encode("ascii"))
        if tag_ok and office_ok:
            return ScanResult(True, "genuine", key, text)
        return ScanResult(False, "altered" if office_ok else "foreign", key, text)


_signers: dict[Path, tuple[tuple[int, int, int], ReceiptSigner]] = {}


def signer_for(secret_path: Path) -> ReceiptSigner:
    """The signer of a data folder (cached while the secret file stays the same)."""
    try:
        stat = secret_path.stat()
    except FileNotFoundError:
        load_secret(secret_path)
        stat = secret_path.stat()
    ident = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
    cached = _signers.get(secret_path)
    if cached is not None and cached[0] == ident:
        return cached[1]
    signer = ReceiptSigner(load_secret(secret_path))
    _signers[secret_path] = (ident, signer)
    return signer


@dataclass(frozen=True)
class ScanOutcome:
    """A scan read against the store: the verdict and, when genuine, the pack it names."""

    result: ScanResult
    pack: Pack | None = None

    @property
    def genuine(self) -> bool:
        """Whether the slip is the office's and its pack is on file (a forged or unknown one is not)."""
        return self.pack is not None

    @property
    def message(self) -> str:
        """What the clerk reads: the pack opened, or why the scan was refused."""
        if self.pack is not None:
            return f"真实回执，已打开 {self.pack.receipt_no}（{self.pack.unit} · {self.pack.name}）"
        return self.result.message


_keys: weakref.WeakKeyDictionary[DeskStore, tuple[int, dict[str, int]]] = weakref.WeakKeyDictionary()


def find_pack(store: DeskStore, key: str) -> Pack | None:
    """The pack whose receipt number reduces to ``key`` (see :func:`receipt_key`)."""
    numbers = store.receipt_numbers()
    cached = _keys.get(store)
    if cached is None or cached[0] != len(numbers):
        # Receipt numbers are never deleted nor changed: the count tells whether the map is current.
        cached = (len(numbers), {receipt_key(number): pack_id for number, pack_id in numbers.items()})
        _keys[store] = cached
    pack_id = cached[1].get(key)
    return None if pack_id is None else store.get(pack_id)


_codes: weakref.WeakKeyDictionary[DeskStore, tuple[int, str, dict[str, int]]] = weakref.WeakKeyDictionary()


def find_by_code(store: DeskStore, signer: ReceiptSigner, code: str) -> Pack | None:
    """The pack whose slip carries ``code`` (office + tag, the second printed line without its
    ``U``), for a clerk typing only that line. One HMAC per pack the first time, then a lookup."""
    code = normalise(code).translate(_CROCKFORD_READ)
    numbers = store.receipt_numbers()
    cached = _codes.get(store)
    if cached is None or cached[:2] != (len(numbers), signer.office):
        table = {}
        for number, pack_id in numbers.items():
            key = receipt_key(number)
            if key:
                table[signer.office + signer._tag(key)] = pack_id
        cached = (len(numbers), signer.office, table)
        _codes[store] = cached
    found = cached[2].get(code)
    return None if found is None else store.get(found)


def read_scan(store: DeskStore, secret_path: Path, scanned: str, actor: str) -> ScanOutcome:
    """Verify a scanned payload and find its pack; a refused scan is recorded in the journal."""
    result = signer_for(secret_path).verify(scanned)
    pack = find_pack(store, result.receipt_key) if result.genuine else None
    if result.genuine and pack is None:
        result = ScanResult(False, "unknown_receipt", result.receipt_key, result.payload)
    if pack is None and result.code != "empty":
        store.record_event(
            "scan_refused",
            actor or "受理台",
            data={"payload": result.payload[:80], "code": result.code, "receipt": result.receipt_key[:40]},
            reason=result.message,
        )
    return ScanOutcome(result, pack)
