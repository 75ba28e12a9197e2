"""Hostile or broken files: a clear Chinese message naming the file, within bounded time and memory.

Each file is read in a fresh child process that reports the reading's CPU time and the
process's peak memory (VmHWM), so the bounds hold for the reader itself, not for the
sandbox around it. The bounds are limits (a few seconds, well under 500 MB), not timings.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from deskapp.readers import read_isolated, read_isolated_many
from tests import formfactory as ff

ROOT = Path(__file__).resolve().parent.parent
SECONDS = 5.0
MEGABYTES = 500

PROBE = """
import json, sys, time
from deskapp.readers import read_file
start = time.process_time()
report = read_file(sys.argv[1])
seconds = time.process_time() - start  # CPU seconds: the reader's own work, whatever else the machine runs
# VmHWM is this process image's own peak: ru_maxrss on Linux carries the parent's peak across exec,
# so in a long pytest run it reported the test runner's memory, not the reader's.
peak_kb = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
peak_mb = peak_kb / 1024
print(json.dumps({"report": report.to_json(), "seconds": seconds, "peak_mb": peak_mb}, ensure_ascii=False))
"""


def probe(path: Path) -> tuple[dict, float, float]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        encoding="utf-8",
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    return out["report"], out["seconds"], out["peak_mb"]


def within_bounds(path: Path) -> dict:
    report, seconds, peak_mb = probe(path)
    assert seconds < SECONDS, f"{path.name}: {seconds:.1f} s"
    assert peak_mb < MEGABYTES, f"{path.name}: {peak_mb:.0f} MB"
    return report


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("hostile")
    ff.form1(d / "附件1.docx")
    ff.pdf(d / "材料.pdf", 20)
    return d


def only_problem(report: dict, *words: str) -> str:
    assert not report["readable"]
    text = " ".join(report["problems"])
    assert report["name"] in text
    for word in words:
        assert word in text, text
    return text


def test_empty_file(files):
    (files / "空.docx").write_bytes(b"")
    report = within_bounds(files / "空.docx")
    only_problem(report, "空文件")
    assert report["sha256"] == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def test_truncated_docx(files):
    report = within_bounds(ff.truncated(files / "附件1.docx", files / "半个附件1.docx"))
    only_problem(report, "不完整或已损坏")


def test_truncated_pdf(files):
    ff.pdf(files / "大.pdf", 200)
    report = within_bounds(ff.truncated(files / "大.pdf", files / "半个.pdf", keep=0.6))
    only_problem(report, "PDF", "不完整")
    assert report["pages"] is None


def test_pdf_renamed_docx_is_read_as_pdf(files):
    shutil.copy(files / "材料.pdf", files / "附件1（其实是PDF）.docx")
    report = within_bounds(files / "附件1（其实是PDF）.docx")
    assert report["readable"] and report["kind"] == "pdf" and report["pages"] == 20
    assert any("扩展名是“.docx”" in p and "PDF" in p for p in report["problems"])


def test_legacy_doc(files):
    report = within_bounds(ff.legacy_doc(files / "附件1.doc"))
    only_problem(report, "旧版", "另存为")
    assert report["kind"] == "doc"


def test_password_protected_docx(files):
    report = within_bounds(ff.password_docx(files / "附件1.docx", files / "加密附件1.docx"))
    only_problem(report, "打开密码", "取消密码")


@pytest.mark.parametrize("algorithm,label", [("AES-256", "AES-256"), ("AES-128", "AES-128"), ("RC4-128", "RC4")])
def test_encrypted_pdf(files, algorithm, label):
    report = within_bounds(ff.pdf(files / f"加密-{algorithm}.pdf", 3, encrypt=algorithm))
    only_problem(report, "已加密", label, "需要密码")
    assert report["pages"] is None


def test_pdf_with_owner_password_only_still_gives_its_pages(files):
    report = within_bounds(ff.pdf(files / "仅限编辑.pdf", 7, encrypt="AES-256", user_password=""))
    assert report["readable"] and report["pages"] == 7 and report["fields"]["加密"] == "AES-256"


def test_six_hundred_page_pdf(files):
    report = within_bounds(ff.pdf(files / "600页.pdf", 600))
    assert report["readable"] and report["pages"] == 600


def test_zip_bomb_docx_is_refused_before_parsing(files):
    bomb = ff.zip_bomb_docx(files / "炸弹.docx", inflated_mb=300)
    assert bomb.stat().st_size < 2 * 1024 * 1024
    report = within_bounds(bomb)
    only_problem(report, "压缩炸弹", "word/document.xml")


def test_entity_expansion_bomb_is_not_expanded(files):
    report = within_bounds(ff.entity_bomb_docx(files / "笑.docx"))
    only_problem(report, "XML 无法解析")
    assert "ha" * 100 not in str(report["fields"])


def test_a_table_of_a_million_cells_is_refused_in_time(files):
    report = within_bounds(ff.huge_table_docx(files / "大表.docx", rows=125_000))  # 1,000,000 cells, 48 MB XML
    only_problem(report, "超过上限")
    report = within_bounds(ff.huge_table_docx(files / "表.docx", rows=3_000))  # 24,000 cells in 1 MB of XML
    only_problem(report, "单元格", "疑似恶意文件")
    report = within_bounds(ff.huge_table_docx(files / "较大表.docx", rows=2_400))  # just under the cell cap
    assert report["readable"] and report["kind"] == "docx"


def test_many_parts_that_add_up_are_refused(files):
    import zipfile

    path = files / "很多部件.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        for i in range(90):  # each below the single-part checks, 180 MB together
            archive.writestr(f"word/media/image{i}.png", b"\0" * (2 * 1024 * 1024))
    report = within_bounds(path)
    only_problem(report, "解压后共", "超过上限")


def test_not_a_document_at_all(files):
    (files / "照片.docx").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 100)
    only_problem(within_bounds(files / "照片.docx"), "无法识别")


def test_a_folder_and_a_missing_file(files):
    from deskapp.readers import read_file

    only_problem(read_file(files).to_json(), "文件夹")
    assert "找不到" in read_file(files / "没有.docx").problems[0]


def test_isolated_reading_gives_the_same_report(files):
    report = read_isolated(files / "附件1.docx")
    assert report.readable and report.fields["工作室名称"] == ff.COVER["工作室名称"]
    bomb = read_isolated(ff.zip_bomb_docx(files / "炸弹2.docx", inflated_mb=50))
    assert not bomb.readable and "压缩炸弹" in bomb.problems[0]


def test_a_batch_is_read_in_one_child_and_keeps_its_order(files):
    paths = [files / "附件1.docx", files / "不存在.pdf", files / "材料.pdf", ff.legacy_doc(files / "旧.doc")]
    reports = read_isolated_many(paths)
    assert [r.kind for r in reports] == ["form1", "missing", "pdf", "doc"]
    assert reports[2].pages == 20 and not reports[3].readable


def test_each_file_of_a_batch_gets_its_own_time_limit(files):
    reports = read_isolated_many([files / "附件1.docx", files / "材料.pdf"], timeout=0.01)
    assert [r.readable for r in reports] == [False, False]
    assert all("秒仍未完成" in r.problems[0] and r.name in r.problems[0] for r in reports)


def test_isolated_reading_survives_a_child_that_runs_out_of_memory(files):
    report = read_isolated(files / "附件1.docx", memory=16 * 1024 * 1024)  # too little even to start
    assert not report.readable
    assert "附件1.docx" in report.problems[0] and "异常退出" in report.problems[0]
    assert len(report.sha256) == 64  # the fingerprint is the parent's own


def test_isolated_reading_stops_at_its_timeout(files):
    report = read_isolated(files / "附件1.docx", timeout=0.01)
    assert not report.readable and "秒仍未完成" in report.problems[0]


def test_damaged_pdf_with_its_end_marker(files):
    path = files / "坏.pdf"
    path.write_bytes(b"%PDF-1.4\n" + b"garbage " * 500 + b"\n%%EOF\n")
    only_problem(within_bounds(path), "PDF 已损坏")
