"""``deskapp read``: what each file yields, exit status, and saving against a pack."""

from __future__ import annotations

import json

from tests import formfactory as ff
from tests.supervisor_helpers import PIN, SUPERVISOR
from tests.test_cli import add_supervisor_file, run


def test_read_prints_fields_tables_pages_fingerprint_and_masks_id(tmp_path):
    form = ff.form1(tmp_path / "附件1.docx")
    pdf = ff.pdf(tmp_path / "全套.pdf", 12)
    out = run(tmp_path, "read", str(form), str(pdf))
    assert out.returncode == 0, out.stderr
    assert "[附件1 工作室申报表]" in out.stdout and "工作室名称：煤化工技能大师工作室" in out.stdout
    assert "成员（6 行）" in out.stdout and "页数：12" in out.stdout
    assert "6523**********1234" in out.stdout and "652301198001011234" not in out.stdout
    import hashlib

    assert hashlib.sha256(form.read_bytes()).hexdigest() in out.stdout


def test_read_json_and_nonzero_exit_for_an_unreadable_file(tmp_path):
    ff.form3(tmp_path / "附件3.docx")
    ff.legacy_doc(tmp_path / "旧.doc")
    (tmp_path / "~$附件3.docx").write_bytes(b"lock file of Word")
    out = run(tmp_path, "read", "--json", str(tmp_path))  # a whole folder
    assert out.returncode == 1
    reports = {r["name"]: r for r in json.loads(out.stdout)}
    assert set(reports) == {"附件3.docx", "旧.doc"}
    assert reports["附件3.docx"]["fields"]["申请资金"] == "60"
    assert not reports["旧.doc"]["readable"] and "旧版" in reports["旧.doc"]["problems"][0]


def test_read_against_a_pack_and_accept(tmp_path):
    data = tmp_path / "data"
    line = json.dumps(
        {
            "kind": "studio",
            "unit": "准东某煤化工有限公司",
            "name": "煤化工工作室",
            "members": 6,
            "pages": 25,
            "received_at": "2026-06-01 10:00",
        },
        ensure_ascii=False,
    )
    add_supervisor_file(data)  # a received time is the supervisor's to give
    assert (
        run(data, "register", "--clerk", "张三", "--supervisor", SUPERVISOR, "--pin", PIN, stdin=line + "\n").returncode
        == 0
    )
    form = ff.form1(tmp_path / "附件1.docx")
    pdf = ff.pdf(tmp_path / "全套.pdf", 20)
    shown = run(data, "read", str(form), str(pdf), "--pack", "ZD2026-GZS-0001")
    assert "工作室名称（name）：煤化工工作室 → 煤化工技能大师工作室" in shown.stdout
    out = run(
        data,
        "read",
        str(form),
        str(pdf),
        "--pack",
        "ZD2026-GZS-0001",
        "--accept",
        "name,details.goals",
        "--clerk",
        "张三",
        "--json",
    )
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert {f["code"] for f in doc["flags"]} >= {"file_pages"}
    pack = json.loads(run(data, "show", "ZD2026-GZS-0001", "--json").stdout)
    assert pack["name"] == "煤化工技能大师工作室" and pack["details"]["goals"] == ff.LONGS["人才工作室工作任务目标"]
    assert pack["history"][-1]["action"] == "prefill" and "附件1.docx" in pack["history"][-1]["reason"]
    assert [f["name"] for f in pack["files"]] == ["附件1.docx", "全套.pdf"]
