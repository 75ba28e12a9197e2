"""Printing through a real CUPS server with a virtual PDF printer, and what happens without one.

The session fixture starts a private ``cupsd -f`` (its own config, spool and socket under a
temporary folder; the machine's own CUPS, if any, is not touched), adds a cups-pdf queue with
``lpadmin``, and points ``lp`` at it through ``CUPS_SERVER``. Without CUPS and cups-pdf (Debian:
``cups printer-driver-cups-pdf``, installed by ``scripts/system-packages.sh``), or when not root
(the cups-pdf backend runs only under a root cupsd), those tests skip and say why.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from deskapp.printing import issue, job_title
from deskapp.receipt_qr import read_scan, signer_for
from tests.conftest import studio_fields
from tests.slip_helpers import qr_codes

QUEUE = "desk-test-pdf"
FAILING_QUEUE = "desk-test-failing"
FAILING_PPD = """*PPD-Adobe: "4.3"
*FormatVersion: "4.3"
*FileVersion: "1.0"
*LanguageVersion: English
*LanguageEncoding: ISOLatin1
*PCFileName: "FAILING.PPD"
*Manufacturer: "Test"
*Product: "(Failing)"
*ModelName: "Failing test printer"
*ShortNickName: "Failing test printer"
*NickName: "Failing test printer"
*PSVersion: "(3010.000) 0"
*LanguageLevel: "3"
*ColorDevice: False
*DefaultColorSpace: Gray
*FileSystem: False
*Throughput: "1"
*TTRasterizer: Type42
*cupsFilter: "application/vnd.cups-pdf 0 /bin/false"
*OpenUI *PageSize/Media Size: PickOne
*DefaultPageSize: A4
*PageSize A4/A4: "<</PageSize[595 842]>>setpagedevice"
*CloseUI: *PageSize
*DefaultImageableArea: A4
*ImageableArea A4/A4: "0 0 595 842"
*DefaultPaperDimension: A4
*PaperDimension A4/A4: "595 842"
"""
CUPS_PDF_BACKEND = Path("/usr/lib/cups/backend/cups-pdf")
PPD_PLACES = ("/usr/share/ppd/cups-pdf", "/usr/share/cups/model", "/usr/share/ppd")


@dataclass
class CupsServer:
    socket: Path
    queue: str
    out_dir: Path
    log: Path


def _why_no_cups() -> str:
    if not sys.platform.startswith("linux"):
        return "CUPS printing is tested on Linux only"
    missing = [
        tool
        for tool in ("cupsd", "lpadmin", "lp", "lpstat")
        if shutil.which(tool) is None and not Path("/usr/sbin", tool).exists()
    ]
    if missing:
        return "CUPS is not installed (missing " + ", ".join(missing) + "): run scripts/system-packages.sh"
    if not CUPS_PDF_BACKEND.exists():
        return "the cups-pdf virtual printer is not installed (Debian: printer-driver-cups-pdf)"
    if os.geteuid() != 0:
        return "the cups-pdf backend runs only under a root cupsd; these tests need root"
    if _ppd() is None:
        return "no CUPS-PDF PPD found"
    return ""


def _ppd() -> Path | None:
    for place in PPD_PLACES:
        for path in sorted(Path(place).glob("**/CUPS-PDF*.ppd")) if Path(place).is_dir() else []:
            return path
    return None


def _cups_pdf_out_dir() -> Path:
    """Where cups-pdf writes a job of this user (its ``Out`` setting, ``${HOME}/PDF`` by default)."""
    out = "${HOME}/PDF"
    conf = Path("/etc/cups/cups-pdf.conf")
    if conf.exists():
        for line in conf.read_text(errors="replace").splitlines():
            match = re.match(r"\s*Out\s+(\S+)", line)
            if match:
                out = match.group(1)
    user = pwd.getpwuid(os.geteuid())
    return Path(out.replace("${HOME}", user.pw_dir).replace("${USER}", user.pw_name))


def _tool(name: str) -> str:
    return shutil.which(name) or str(Path("/usr/sbin", name))


@pytest.fixture(scope="session")
def cups():
    why = _why_no_cups()
    if why:
        if os.environ.get("CI"):  # CI installs CUPS (scripts/system-packages.sh): a missing one is a failure there
            pytest.fail(f"CUPS printing cannot be tested: {why}")
        pytest.skip(why)
    # Not under pytest's own temporary folder: that one is private to root (0700), and CUPS
    # runs its filters as the unprivileged ``lp`` user, who must reach the spool.
    root = Path(tempfile.mkdtemp(prefix="desk-cups-"))
    os.chmod(root, 0o755)
    for sub in ("conf", "spool/tmp", "cache", "state", "log"):
        (root / sub).mkdir(parents=True, exist_ok=True)
        os.chmod(root / sub, 0o755)
    os.chmod(root / "spool/tmp", 0o1777)
    socket = root / "cups.sock"
    (root / "conf/cupsd.conf").write_text(
        f"Listen {socket}\nLogLevel info\nWebInterface No\nBrowsing No\nDefaultAuthType None\n"
        "<Location />\n  Order allow,deny\n  Allow all\n</Location>\n"
        "<Policy default>\n  <Limit All>\n    Order deny,allow\n  </Limit>\n</Policy>\n"
    )
    (root / "conf/cups-files.conf").write_text(
        f"ServerRoot {root}/conf\nRequestRoot {root}/spool\nTempDir {root}/spool/tmp\nCacheDir {root}/cache\n"
        f"StateDir {root}/state\nErrorLog {root}/log/error_log\nAccessLog {root}/log/access_log\n"
        f"PageLog {root}/log/page_log\nPrintcap {root}/state/printcap\nServerBin /usr/lib/cups\n"
        "DataDir /usr/share/cups\nSystemGroup root\nFileDevice No\n"
    )
    log = root / "log/error_log"
    with open(root / "log/stderr", "wb") as stderr:
        daemon = subprocess.Popen(
            [_tool("cupsd"), "-f", "-c", str(root / "conf/cupsd.conf"), "-s", str(root / "conf/cups-files.conf")],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            stdin=subprocess.DEVNULL,
        )
    env = {**os.environ, "CUPS_SERVER": str(socket), "LC_ALL": "C"}
    try:
        deadline = time.monotonic() + 20
        while True:
            state = subprocess.run([_tool("lpstat"), "-r"], env=env, check=False, capture_output=True, text=True)
            if "scheduler is running" in state.stdout:
                break
            if daemon.poll() is not None or time.monotonic() > deadline:
                pytest.fail(
                    "cupsd did not start: "
                    + (root / "log/stderr").read_text()
                    + (log.read_text() if log.exists() else "")
                )
            time.sleep(0.2)
        added = subprocess.run(
            [_tool("lpadmin"), "-p", QUEUE, "-E", "-v", "cups-pdf:/", "-P", str(_ppd())],
            env=env,
            check=False,
            capture_output=True,
            text=True,
        )
        assert added.returncode == 0, added.stderr
        # A queue whose filter always fails: a job that is accepted, then fails.
        (root / "conf/failing.ppd").write_text(FAILING_PPD)
        added = subprocess.run(
            [
                _tool("lpadmin"),
                "-p",
                FAILING_QUEUE,
                "-E",
                "-v",
                "cups-pdf:/",
                "-P",
                str(root / "conf/failing.ppd"),
                "-o",
                "printer-error-policy=abort-job",
            ],
            env=env,
            check=False,
            capture_output=True,
            text=True,
        )
        assert added.returncode == 0, added.stderr
        yield CupsServer(socket, QUEUE, _cups_pdf_out_dir(), log)
    finally:
        daemon.terminate()
        try:
            daemon.wait(timeout=10)
        except subprocess.TimeoutExpired:
            daemon.kill()
            daemon.wait(timeout=10)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def printer_desk(desk, cups, monkeypatch):
    monkeypatch.setenv("CUPS_SERVER", str(cups.socket))
    desk.config = replace(desk.config, slip=replace(desk.config.slip, printer=cups.queue))
    desk.store.config = desk.config
    return desk


def _wait_for_output(cups: CupsServer, title: str, since: float, payload: str, timeout: float = 60) -> Path:
    """The PDF cups-pdf wrote for this job: named after the job, and carrying this desk's QR payload.

    cups-pdf writes every job of the user into one folder, and another test run on the same
    machine prints the same receipt number; the QR payload (signed with this test's own
    secret) tells which file is ours. Other runs' files are left alone.
    """
    deadline = time.monotonic() + timeout
    looked: set[Path] = set()
    while time.monotonic() < deadline:
        if cups.out_dir.is_dir():
            for path in cups.out_dir.glob(f"{title}*.pdf"):
                if path in looked:
                    continue
                try:
                    # cups-pdf (through Ghostscript) writes the file bit by bit: wait for its end
                    fresh = path.stat().st_mtime >= since - 1
                    if not (fresh and path.read_bytes().rstrip().endswith(b"%%EOF")):
                        continue
                    looked.add(path)
                    if payload in qr_codes(path):
                        return path
                except (OSError, pdfium.PdfiumError):
                    continue  # taken away by another run meanwhile, or still being written
        time.sleep(0.25)
    log = cups.log.read_text(errors="replace")[-3000:] if cups.log.exists() else ""
    pytest.fail(
        f"cups-pdf wrote no {title}*.pdf with this desk's QR code into {cups.out_dir} within {timeout} s\n{log}"
    )


def test_slip_printed_through_cups_comes_out_with_a_readable_qr(printer_desk, cups):
    desk = printer_desk
    pack = desk.store.register("studio", studio_fields(), "张三", checklist={"form1": True}, pages=12)
    started = time.time()
    result = issue(desk, pack, "张三")
    assert result.ok, result.message
    assert result.printer == cups.queue and result.job.startswith(cups.queue + "-")
    assert result.path is None and "已发送到打印机" in result.message
    payload = signer_for(desk.locations.secret).payload(pack.receipt_no)
    printed = _wait_for_output(cups, job_title(pack, "slip", 1), started, payload)
    try:
        codes = qr_codes(printed)
        assert len(codes) == 1
        outcome = read_scan(desk.store, desk.locations.secret, codes[0], "张三")
        assert outcome.pack is not None and outcome.pack.id == pack.id
    finally:
        printed.unlink(missing_ok=True)
    entry = desk.store.get(pack.id).prints[-1]
    assert entry["ok"] is True and entry["printer"] == cups.queue and entry["job"] == result.job
    history = desk.store.history(pack.id)
    assert history[-1].action == "print" and history[-1].data["ok"] is True


def test_notice_printed_through_cups(printer_desk, cups):
    desk = printer_desk
    pack = desk.store.register("project", {"unit": "某公司", "name": "项目A"}, "李四", pages=2)
    started = time.time()
    result = issue(desk, pack, "李四", "notice")
    assert result.ok, result.message
    payload = signer_for(desk.locations.secret).payload(pack.receipt_no)
    printed = _wait_for_output(cups, job_title(pack, "notice", 1), started, payload)
    try:
        assert len(qr_codes(printed)) == 1
    finally:
        printed.unlink(missing_ok=True)


def test_nonexistent_printer_on_a_running_cups_saves_to_outbox(printer_desk):
    desk = printer_desk
    desk.config = replace(desk.config, slip=replace(desk.config.slip, printer="no-such-printer"))
    desk.store.config = desk.config
    pack = desk.store.register("studio", studio_fields(), "张三", pages=3)
    result = issue(desk, pack, "张三")
    _assert_saved_to_outbox(desk, pack, result)
    assert "no-such-printer" in result.message and "不存在" in result.message


def test_job_that_fails_after_it_was_queued_goes_to_the_outbox(printer_desk):
    desk = printer_desk
    desk.config = replace(desk.config, slip=replace(desk.config.slip, printer=FAILING_QUEUE))
    desk.store.config = desk.config
    pack = desk.store.register("studio", studio_fields(), "张三", pages=3)
    result = issue(desk, pack, "张三")
    _assert_saved_to_outbox(desk, pack, result)
    assert "打印任务失败" in result.message
    assert desk.store.get(pack.id).prints[-1]["printer"] == FAILING_QUEUE
    # the failed job is off the queue: it cannot come out later beside the outbox copy
    env = {**os.environ, "LC_ALL": "C"}
    waiting = subprocess.run(
        [_tool("lpstat"), "-o", FAILING_QUEUE], env=env, check=False, capture_output=True, text=True
    )
    assert result.job and result.job not in waiting.stdout


def test_no_print_service_saves_to_outbox_and_records_the_failure(desk, tmp_path, monkeypatch):
    # No scheduler at this address: what a desk without a working CUPS sees.
    monkeypatch.setenv("CUPS_SERVER", str(tmp_path / "nothing-listens-here.sock"))
    desk.config = replace(desk.config, slip=replace(desk.config.slip, printer="counter-printer"))
    desk.store.config = desk.config
    pack = desk.store.register("studio", studio_fields(), "张三", pages=3)
    result = issue(desk, pack, "张三")
    _assert_saved_to_outbox(desk, pack, result)


def test_without_lp_at_all_the_slip_waits_in_the_outbox(desk, tmp_path, monkeypatch):
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    pack = desk.store.register("studio", studio_fields(), "张三", pages=3)
    result = issue(desk, pack, "张三")
    _assert_saved_to_outbox(desk, pack, result)
    assert "lp" in result.message
    again = issue(desk, pack, "张三")
    assert again.copy == 2 and "补打第1次" in again.message and again.path != result.path


def _assert_saved_to_outbox(desk, pack, result):
    assert not result.ok
    assert result.message.startswith("打印机不可用") and "已保存到" in result.message
    assert result.path is not None and result.path.parent == desk.locations.outbox and result.path.exists()
    assert str(result.path) in result.message
    assert qr_codes(result.path) and read_scan(desk.store, desk.locations.secret, qr_codes(result.path)[0], "x").pack
    entry = desk.store.get(pack.id).prints[-1]
    assert entry["ok"] is False and entry["file"] == str(result.path) and entry["error"]
    last = desk.store.history(pack.id)[-1]
    assert last.action == "print" and last.data["ok"] is False and last.actor == "张三"


# -- each counter's printer ([counters], deskapp/counters.py) -------------------------------------
COUNTER_QUEUE = "desk-test-counter"


@pytest.fixture(scope="session")
def counter_queue(cups):
    """A second cups-pdf queue on the private cupsd: the printer at one counter."""
    added = subprocess.run(
        [_tool("lpadmin"), "-p", COUNTER_QUEUE, "-E", "-v", "cups-pdf:/", "-P", str(_ppd())],
        env={**os.environ, "CUPS_SERVER": str(cups.socket)},
        check=False,
        capture_output=True,
        text=True,
    )
    assert added.returncode == 0, added.stderr
    return COUNTER_QUEUE


def _with_counters(desk, counters):
    desk.config = replace(desk.config, counters=counters)
    desk.store.config = desk.config
    return desk


def test_a_counters_slip_prints_on_that_counters_printer(printer_desk, cups, counter_queue):
    from deskapp.counters import issue_at_counter

    desk = _with_counters(printer_desk, {"10.0.0.7": counter_queue})
    pack = desk.store.register("studio", studio_fields(), "张三", checklist={"form1": True}, pages=12)
    started = time.time()
    result = issue_at_counter(desk, pack, "张三", in_browser=True, label="浏览器 10.0.0.7")
    assert result.ok, result.message
    # CUPS itself names the job after the queue it took it on: the counter's, not [slip] printer's
    assert result.printer == counter_queue and result.job.startswith(counter_queue + "-")
    assert result.path is None  # printed at the counter: nothing to download
    payload = signer_for(desk.locations.secret).payload(pack.receipt_no)
    _wait_for_output(cups, job_title(pack, "slip", 1), started, payload).unlink(missing_ok=True)
    entry = desk.store.get(pack.id).prints[-1]
    assert entry["ok"] is True and entry["printer"] == counter_queue


def test_a_browser_counter_without_a_printer_gets_the_slip_to_download(printer_desk, cups):
    from deskapp.counters import issue_at_counter

    desk = _with_counters(printer_desk, {"10.0.0.7": COUNTER_QUEUE})
    pack = desk.store.register("studio", studio_fields(), "张三", checklist={"form1": True}, pages=12)
    result = issue_at_counter(desk, pack, "张三", in_browser=True, label="浏览器 10.0.0.8")
    assert result.ok, result.message
    assert result.printer == "" and result.job == ""  # the host's printer (another room) was not used
    assert result.path is not None and result.path.parent == desk.locations.outbox
    assert "请在本机打印" in result.message
    codes = qr_codes(result.path)
    assert codes and read_scan(desk.store, desk.locations.secret, codes[0], "张三").pack is not None
    entry = desk.store.get(pack.id).prints[-1]
    assert entry["ok"] is True and "printer" not in entry and entry["file"] == str(result.path)
    assert desk.store.history(pack.id)[-1].reason.startswith("生成")  # recorded as made, not as printed


def test_a_terminal_counter_without_a_printer_prints_on_the_slip_printer(printer_desk, cups):
    from deskapp.counters import issue_at_counter

    desk = _with_counters(printer_desk, {"10.0.0.7": COUNTER_QUEUE})
    pack = desk.store.register("studio", studio_fields(), "张三", checklist={"form1": True}, pages=12)
    started = time.time()
    result = issue_at_counter(desk, pack, "张三", in_browser=False, label="二号窗口")
    assert result.ok, result.message
    assert result.printer == cups.queue and result.job.startswith(cups.queue + "-") and result.path is None
    payload = signer_for(desk.locations.secret).payload(pack.receipt_no)
    _wait_for_output(cups, job_title(pack, "slip", 1), started, payload).unlink(missing_ok=True)
