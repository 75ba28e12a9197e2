"""QR payloads: letters and digits only, HMAC-signed per office; forgeries refused and recorded."""

from __future__ import annotations

import os
import re
import stat
import threading

import pytest

from deskapp.receipt_qr import (
    CODE_LEN,
    TAG_LEN,
    ReceiptSigner,
    SecretError,
    load_secret,
    read_scan,
    receipt_key,
    signer_for,
)
from tests.conftest import studio_fields


@pytest.fixture
def signer(desk):
    return signer_for(desk.locations.secret)


@pytest.fixture
def pack(desk):
    return desk.store.register("studio", studio_fields(), "张三", pages=12)


def _to_fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def test_secret_is_created_once_private_and_random(desk):
    path = desk.locations.data / "fresh" / "secret.key"  # the desk's own was made when its store opened (chain key)
    path.parent.mkdir()
    assert not path.exists()
    first = load_secret(path)
    assert len(first) == 32
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_secret(path) == first
    other = load_secret(path.parent.parent / "other" / "secret.key")
    assert other != first


def test_secret_created_by_racing_desks_is_one_secret(tmp_path):
    path = tmp_path / "secret.key"
    seen: list[bytes] = []
    threads = [threading.Thread(target=lambda: seen.append(load_secret(path))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(seen)) == 1 and len(seen) == 8


def test_damaged_secret_is_reported_never_replaced(tmp_path):
    path = tmp_path / "secret.key"
    path.write_text("not a key\n")
    with pytest.raises(SecretError, match="已损坏"):
        load_secret(path)
    assert path.read_text() == "not a key\n"


def test_payload_is_capitals_and_digits_with_an_80_bit_tag(signer, pack):
    payload = signer.payload(pack.receipt_no)
    assert re.fullmatch(r"[0-9A-Z]+", payload)
    assert payload.startswith(receipt_key(pack.receipt_no) + "U")
    assert len(payload) == len("ZD2026GZS0001") + 1 + CODE_LEN
    assert TAG_LEN * 5 >= 80
    assert signer.payload(pack.receipt_no) == payload  # deterministic: a reprint carries the same code


def test_genuine_payload_opens_its_pack(desk, signer, pack):
    outcome = read_scan(desk.store, desk.locations.secret, signer.payload(pack.receipt_no), "张三")
    assert outcome.genuine and outcome.pack.id == pack.id
    assert "真实回执" in outcome.message and pack.receipt_no in outcome.message
    assert [h.action for h in desk.store.history()] == ["register"]


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param(lambda p: p.lower(), id="lowercase"),
        pytest.param(_to_fullwidth, id="fullwidth"),
        pytest.param(lambda p: f"  {p}\n", id="spaces-and-enter"),
        pytest.param(lambda p: _to_fullwidth(p).lower(), id="fullwidth-lowercase"),
    ],
)
def test_normalised_forms_of_a_genuine_payload_are_accepted(desk, signer, pack, variant):
    outcome = read_scan(desk.store, desk.locations.secret, variant(signer.payload(pack.receipt_no)), "张三")
    assert outcome.pack is not None and outcome.pack.id == pack.id


def _edit_number(payload: str) -> str:
    return payload.replace("GZS0001", "GZS0002", 1)


def _wrong_tag(payload: str) -> str:
    last = payload[-1]
    return payload[:-1] + ("1" if last != "1" else "2")


@pytest.mark.parametrize(
    ("forge", "code"),
    [
        pytest.param(_edit_number, "altered", id="edited-number"),
        pytest.param(_wrong_tag, "altered", id="wrong-tag"),
        pytest.param(lambda p: p[:-3], "truncated", id="truncated-tag"),
        pytest.param(lambda p: p[:-CODE_LEN], "truncated", id="code-cut-off"),
        pytest.param(lambda p: p[:8], "not_desk_code", id="truncated-into-number"),
        pytest.param(lambda p: p + "7", "altered", id="one-char-too-many"),
        pytest.param(lambda p: "6901234567892", "not_desk_code", id="product-barcode"),
        pytest.param(lambda p: "https://example.com/?q=1", "not_desk_code", id="garbage-url"),
        pytest.param(lambda p: "ZD2026-GZS-0001", "not_desk_code", id="bare-receipt-number"),
        pytest.param(lambda p: "申报单位", "not_desk_code", id="chinese-text"),
    ],
)
def test_forged_payloads_are_refused_and_recorded(desk, signer, pack, forge, code):
    desk.store.register("studio", studio_fields(name="另一个工作室"), "张三")  # so GZS0002 exists
    forged = forge(signer.payload(pack.receipt_no))
    outcome = read_scan(desk.store, desk.locations.secret, forged, "李四")
    assert outcome.pack is None
    assert outcome.result.code == code
    assert not outcome.genuine
    refused = [h for h in desk.store.history() if h.action == "scan_refused"]
    assert len(refused) == 1
    assert refused[0].actor == "李四" and refused[0].data["code"] == code
    assert refused[0].reason == outcome.message and "回执" in outcome.message


def test_another_offices_payload_is_refused_as_foreign(desk, pack, tmp_path):
    mine = signer_for(desk.locations.secret)
    # Two random secrets share an office mark once in 1,024: draw another office until the marks differ.
    attempt = 0
    while (other := ReceiptSigner(load_secret(tmp_path / f"elsewhere{attempt}" / "secret.key"))).office == mine.office:
        attempt += 1
    outcome = read_scan(desk.store, desk.locations.secret, other.payload(pack.receipt_no), "张三")
    assert outcome.pack is None and outcome.result.code == "foreign"
    assert "另一套数据" in outcome.message


def test_genuine_code_for_a_receipt_not_on_file_opens_nothing(desk, signer, pack):
    outcome = read_scan(desk.store, desk.locations.secret, signer.payload("ZD2026-GZS-0099"), "张三")
    assert outcome.pack is None and outcome.result.code == "unknown_receipt"


def test_receipt_with_a_u_in_its_format_still_reads(tmp_path):
    signer = ReceiptSigner(b"k" * 32)
    payload = signer.payload("ZDU2026-U-0001")
    result = signer.verify(payload)
    assert result.genuine and result.receipt_key == "ZDU2026U0001"


def test_empty_scan_is_refused_without_a_record(desk):
    outcome = read_scan(desk.store, desk.locations.secret, "   ", "张三")
    assert outcome.pack is None and outcome.result.code == "empty"
    assert [h.action for h in desk.store.history()] == []
