"""``deskapp slip`` / ``notice`` / ``verify`` as a clerk or a script runs them."""

from __future__ import annotations

import json

from tests.slip_helpers import pdf_text, qr_codes
from tests.supervisor_helpers import PIN, SUPERVISOR
from tests.test_cli import add_supervisor_file, run


def _register(data, **over):
    record = {
        "kind": "studio",
        "unit": "准东某煤化工有限公司",
        "name": "大师工作室",
        "pages": 12,
        "checklist": {"form1": True, "form2": True},
        "received_at": "2026-06-10 10:00",
    }
    record.update(over)
    if not (data / "desk.toml").exists():
        add_supervisor_file(data)  # a received time is the supervisor's to give
    out = run(
        data,
        "register",
        "--clerk",
        "张三",
        "--supervisor",
        SUPERVISOR,
        "--pin",
        PIN,
        stdin=json.dumps(record, ensure_ascii=False) + "\n",
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)["receipt_no"]


def _journal(data):
    return [json.loads(line) for line in (data / "journal.jsonl").read_text(encoding="utf-8").splitlines()]


def test_slip_to_a_file_then_verify_its_scanned_code(tmp_path):
    data = tmp_path / "data"
    receipt = _register(data)
    out = run(data, "slip", receipt, "--out", str(tmp_path / "slip.pdf"), "--clerk", "李四")
    assert out.returncode == 0, out.stderr
    assert str(tmp_path / "slip.pdf") in out.stdout
    codes = qr_codes(tmp_path / "slip.pdf")
    assert len(codes) == 1

    genuine = run(data, "verify", codes[0].lower())
    assert genuine.returncode == 0, genuine.stderr
    assert "真实回执：" + receipt in genuine.stdout and "大师工作室" in genuine.stdout

    altered = codes[0].replace("0001U", "0002U")
    refused = run(data, "verify", altered)
    assert refused.returncode == 1 and "拒绝" in refused.stderr and genuine.stdout not in refused.stdout
    entries = _journal(data)
    assert [e["action"] for e in entries] == ["register", "print", "scan_refused"]
    assert entries[1]["actor"] == "李四" and entries[1]["push"]["prints"]["file"] == str(tmp_path / "slip.pdf")
    assert entries[2]["data"]["code"] == "altered" and entries[2]["actor"] == "命令行"


def test_slip_without_out_goes_to_the_outbox_and_reprints_count(tmp_path):
    data = tmp_path / "data"
    receipt = _register(data)
    first = run(data, "slip", receipt, "--clerk", "张三")
    second = run(data, "slip", receipt, "--clerk", "张三")
    assert first.returncode == 0 and second.returncode == 0
    files = sorted((data / "outbox").glob("*.pdf"))
    assert len(files) == 2
    assert "补打（第1次）" in pdf_text(files[1]) and "补打" not in pdf_text(files[0])
    shown = json.loads(run(data, "show", receipt, "--json").stdout)
    assert [p["copy"] for p in shown["prints"]] == [1, 2]


def test_notice_and_its_errors(tmp_path):
    data = tmp_path / "data"
    receipt = _register(data)
    out = run(data, "notice", receipt, "--out", str(tmp_path / "n.pdf"), "--due", "2999-12-31", "--clerk", "李四")
    assert out.returncode == 0, out.stderr
    text = pdf_text(tmp_path / "n.pdf")
    assert "补正告知书" in text and "2999年12月31日" in text and "经办人：李四" in text and "佐证材料" in text
    assert run(data, "notice", receipt, "--due", "6/20", "--clerk", "李四").returncode == 2
    unsigned = run(data, "notice", receipt)
    assert unsigned.returncode == 2 and "--clerk" in unsigned.stderr
    missing = run(data, "notice", "ZD2026-GZS-0999", "--clerk", "李四")
    assert missing.returncode == 1 and "找不到收件编号" in missing.stderr


def test_verify_garbage_exits_non_zero(tmp_path):
    data = tmp_path / "data"
    _register(data)
    out = run(data, "verify", "hello：world")
    assert out.returncode == 1 and "不是本受理台的回执二维码" in out.stderr
