"""PDFs with bytes after ``%%EOF``, image scans, folders read by content, and a pack's whole folder
at once (issue 11, points 2, 3 and 6)."""

from __future__ import annotations

import json

import pytest

from deskapp.readers import expand, read_file, read_folder, summarize
from tests import formfactory as ff
from tests.supervisor_helpers import PIN, SUPERVISOR
from tests.test_cli import add_supervisor_file, run

# -- PDFs: trailing bytes are not "incomplete" --------------------------------------------------
TAILS = {
    "nul-small": b"\0" * 100,
    "nul-large": b"\0" * 200_000,  # far beyond any fixed tail window
    "spaces": b" \r\n" * 5000,
    "junk-text": b"\r\n-- sent by the scanning station --\r\n",
    "ctrl-z": b"\x1a",
}


@pytest.mark.parametrize("tail", sorted(TAILS))
def test_pdf_with_bytes_after_eof_gives_its_pages(tmp_path, tail):
    report = read_file(ff.padded_pdf(tmp_path / f"{tail}.pdf", 7, TAILS[tail]))
    assert report.readable and report.pages == 7, report.problems
    assert report.problems == []


def test_pdf_cut_short_is_still_incomplete(tmp_path):
    ff.pdf(tmp_path / "whole.pdf", 40)
    report = read_file(ff.truncated(tmp_path / "whole.pdf", tmp_path / "cut.pdf", keep=0.7))
    assert not report.readable and report.pages is None
    assert "不完整" in report.problems[0]


def test_pdf_with_an_incremental_update_cut_off_is_unreliable(tmp_path):
    path = ff.pdf(tmp_path / "update.pdf", 5)
    with open(path, "ab") as handle:
        handle.write(b"\n9 0 obj\n<< /Type /Page /Parent 1 0 R >>\nendobj\n10 0 obj\n<< /Len")
    report = read_file(path)
    assert not report.readable and report.pages is None
    assert "不完整" in report.problems[0] and "页数不可靠" in report.problems[0]


def test_pdf_page_count_comes_from_the_page_tree(tmp_path):
    path = ff.pdf(tmp_path / "count.pdf", 6)
    data = path.read_bytes()
    assert data.count(b"/Count 6") == 1
    (tmp_path / "wrong.pdf").write_bytes(data.replace(b"/Count 6", b"/Count 9"))
    report = read_file(tmp_path / "wrong.pdf")
    assert report.readable and report.pages == 6
    assert any("声明 9 页" in p and "6 页" in p for p in report.problems)


# -- image scans ----------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt,suffix,frames", [("JPEG", ".jpg", 1), ("PNG", ".png", 1), ("TIFF", ".tif", 4)])
def test_image_scans_are_pages(tmp_path, fmt, suffix, frames):
    report = read_file(ff.scan(tmp_path / f"scan{suffix}", fmt, frames))
    assert report.readable and report.kind == "scan" and report.kind_label == "扫描图片"
    assert report.pages == frames and report.fields["格式"] == fmt
    assert report.fields["分辨率"] == "150 dpi" and report.problems == []


def test_a_scan_cut_short_is_counted_and_said(tmp_path):
    whole = ff.scan(tmp_path / "p.jpg")
    report = read_file(ff.truncated(whole, tmp_path / "半张.jpg", keep=0.8))
    assert report.kind == "scan" and report.pages == 1
    assert any("图片不完整" in p for p in report.problems)


def test_a_picture_far_too_large_for_a_page_is_refused(tmp_path):
    (tmp_path / "huge.png").write_bytes(ff.png_header_only(20_000, 20_000))  # 400 megapixels claimed, 60 bytes
    report = read_file(tmp_path / "huge.png")
    assert not report.readable and "像素过多" in report.problems[0]


# -- folders by content -----------------------------------------------------------------------------
def unit_folder(root):
    """A unit's USB folder as it comes: odd names, no suffixes, scans, a stray file, system litter."""
    d = root / "准东某煤化工"
    (d / "扫描件").mkdir(parents=True)
    ff.form1(d / "附件1 申报表.docx")
    ff.form2_xlsx(d / "附件2.xlsx", [ff.form2_row()])
    ff.pdf(d / "全套材料", 12)  # a PDF saved without an extension
    for n in range(1, 4):
        ff.scan(d / "扫描件" / f"第{n}页.jpg")
    ff.scan(d / "扫描件" / "第4-6页.tiff", "TIFF", 3)
    ff.scan(d / "扫描件" / "封面.png", "PNG")
    (d / "说明.bin").write_bytes(bytes(range(256)) * 4)
    (d / "~$附件1 申报表.docx").write_bytes(b"lock")
    (d / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    (d / "Thumbs.db").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 64)
    return d


def test_every_file_of_a_folder_is_read_by_content(tmp_path):
    folder = unit_folder(tmp_path)
    names = [p.name for p in expand([folder])]
    assert "全套材料" in names and "说明.bin" in names and "封面.png" in names
    assert not {"~$附件1 申报表.docx", ".DS_Store", "Thumbs.db"} & set(names)
    reports, summary = read_folder([folder], isolated=False)
    kinds = {r.name: r.kind for r in reports}
    assert kinds["全套材料"] == "pdf" and kinds["第4-6页.tiff"] == "scan" and kinds["说明.bin"] == "unknown"
    assert kinds["附件1 申报表.docx"] == "form1" and kinds["附件2.xlsx"] == "form2"
    assert summary.pdf_pages == 12 and summary.scan_pages == 7 and summary.kinds["scan"] == 5
    assert summary.unreadable == ["说明.bin"]
    text = summary.text()
    assert "共 9 个文件" in text and "PDF 1 个（12 页）" in text and "扫描图片 5 个（7 页）" in text
    assert "说明.bin" in text
    assert all(len(r.sha256) == 64 for r in reports)


def test_the_isolated_child_reads_a_folder_the_same_way(tmp_path):
    folder = unit_folder(tmp_path)
    isolated, summary = read_folder([folder])
    plain, _ = read_folder([folder], isolated=False)
    assert [(r.name, r.kind, r.pages, r.sha256) for r in isolated] == [
        (r.name, r.kind, r.pages, r.sha256) for r in plain
    ]
    assert summarize(isolated) == summary


def test_cli_reads_a_folder_and_lists_what_it_cannot_read(tmp_path):
    folder = unit_folder(tmp_path)
    out = run(tmp_path / "data", "read", str(folder))
    assert out.returncode == 1  # one file could not be read: said, and listed
    assert "全套材料  [PDF 文件]" in out.stdout and "页数：12" in out.stdout
    assert "第4-6页.tiff  [扫描图片]" in out.stdout and "页数：3" in out.stdout
    assert "说明.bin  [无法识别的文件]" in out.stdout
    assert "共 9 个文件" in out.stdout and "扫描图片 5 个（7 页）" in out.stdout


def test_a_packs_whole_folder_at_once(tmp_path):
    data = tmp_path / "data"
    line = {"kind": "studio", "unit": "准东某煤化工有限公司", "name": "煤化工工作室", "received_at": "2026-06-01 10:00"}
    add_supervisor_file(data)  # a received time is the supervisor's to give
    registered = run(
        data,
        "register",
        "--clerk",
        "张三",
        "--supervisor",
        SUPERVISOR,
        "--pin",
        PIN,
        stdin=json.dumps(line, ensure_ascii=False) + "\n",
    )
    assert registered.returncode == 0, registered.stderr
    folder = unit_folder(tmp_path)
    shown = run(data, "read", str(folder), "--pack", "ZD2026-GZS-0001", "--json")
    doc = json.loads(shown.stdout)
    assert doc["summary"]["scan_pages"] == 7 and doc["summary"]["pdf_pages"] == 12
    assert {p["path"] for p in doc["proposals"]} >= {"name", "members", "leader"}
    out = run(data, "read", str(folder), "--pack", "ZD2026-GZS-0001", "--accept", "all", "--clerk", "张三")
    assert "已保存" in out.stdout and "共 9 个文件" in out.stdout
    pack = json.loads(run(data, "show", "ZD2026-GZS-0001", "--json").stdout)
    # `all` fills what was empty (members) and never replaces a typed value unnamed (the name differs: a conflict)
    assert pack["name"] == "煤化工工作室" != ff.COVER["工作室名称"] and pack["members"] == 6
    recorded = {f["name"]: f for f in pack["files"]}
    assert set(recorded) == {r.name for r in read_folder([folder], isolated=False)[0]}  # every file's fingerprint
    assert recorded["第4-6页.tiff"]["pages"] == 3 and recorded["说明.bin"]["unreadable"] is True
    assert recorded["全套材料"]["kind"] == "pdf"
    prefill = [h for h in pack["history"] if h["action"] == "prefill"]
    assert len(prefill) == 1 and "全套材料" in prefill[0]["data"]["files"]
