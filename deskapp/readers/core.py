"""``read_file``: one entry point for any file a unit hands in, dispatched by content.

Every file gets a report with its fingerprint. Before any parser runs, the file's size
and (for .docx/.xlsx) its zip directory are bounded, so a hostile file is refused in
milliseconds. :func:`read_isolated` adds defence in depth: the reading runs in a child
process with a memory limit (RLIMIT_AS) and a timeout, so even a parser bug cannot
hurt the desk.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

from deskapp.readers.report import FileReport, new_report
from deskapp.readers.sniff import MAX_FILE_BYTES, UnsafeFile, check_zip, ole2_is_encrypted_office, read_head, sniff

READ_TIMEOUT = 20.0
"""Seconds a child process may take for one file."""
READ_MEMORY = 1024 * 1024 * 1024
"""Address space a child process may use (bytes)."""

_EXTENSIONS = {
    "form1": ".docx",
    "form2": (".docx", ".xlsx"),
    "form3": ".docx",
    "docx": ".docx",
    "xlsx": ".xlsx",
    "pdf": ".pdf",
}
READABLE_SUFFIXES = (".docx", ".xlsx", ".pdf", ".doc", ".xls", ".wps", ".et")


# Containers recognised but not read: (kind, what to tell the clerk).
REFUSED = {
    "ole2": ("doc", "是旧版 Word/Excel 格式（.doc/.xls），无法读取；请在 Word 或 WPS 中“另存为” .docx 或 .xlsx 后再读"),
    "rtf": ("unknown", "是 RTF 文本格式，不是 Word 文档；请在 Word 或 WPS 中“另存为” .docx 后再读"),
    "html": ("unknown", "是网页格式（可能是从网页或 WPS 另存的），不是 Word 文档；请另存为 .docx 后再读"),
}


def read_file(path: str | os.PathLike[str]) -> FileReport:
    """Read one file in this process (bounded before parsing); never raises for a bad file."""
    report = new_report(path)
    if not report.readable:
        return report
    p = Path(report.path)
    if report.size == 0:
        report.kind = "empty"
        return report.fail("是空文件（0 字节），可能拷贝失败，请让单位重新拷贝")
    if report.size > MAX_FILE_BYTES:
        size, limit = report.size // (1024 * 1024), MAX_FILE_BYTES // (1024 * 1024)
        return report.fail(f"文件过大（{size} MB），超过 {limit} MB 上限，未读取")
    try:
        container = sniff(read_head(p))
        if container == "zip":
            _read_zip(p, report)
        elif container == "pdf":
            from deskapp.readers.pdf import read_pdf

            read_pdf(p, report)
        elif container == "ole2" and ole2_is_encrypted_office(p):
            report.fail("设置了打开密码的 Word/Excel 文件，无法读取；请让单位取消密码后另存，再拷贝电子版")
        elif container in REFUSED:
            report.kind, message = REFUSED[container]
            report.fail(message)
        else:
            report.fail("不是 Word（.docx）、Excel（.xlsx）或 PDF 文件，无法识别其内容")
    except UnsafeFile as exc:
        report.fail(str(exc))
    except MemoryError:
        report.fail("读取时内存不足，文件过于复杂或是恶意文件，未读取")
    except ImportError as exc:
        report.fail(f"受理台的读取组件无法加载（{exc.name or exc}），请检查安装；文件本身未必有问题")
    except RecursionError:
        report.fail("文件结构嵌套过深，疑似恶意文件，未读取")
    except Exception as exc:  # noqa: BLE001 - a bad file must never stop the desk
        if type(exc).__name__ == "XMLSyntaxError":  # lxml; also refuses entity-expansion bombs
            report.fail("文件内部格式错误（XML 无法解析），可能已损坏或含有不允许的内容；请让单位重新另存后再拷贝")
            return report
        report.fail(f"读取失败（{type(exc).__name__}），文件可能已损坏；请让单位重新另存或拷贝")
    _check_extension(report)
    return report


def _read_zip(path: Path, report: FileReport) -> None:
    from deskapp.readers import office

    info = check_zip(path)
    if info.office == "docx":
        report.kind = "docx"
        office.fill_report(report, office.docx_rows(path), "docx")
    elif info.office == "xlsx":
        report.kind = "xlsx"
        rows, cut = office.xlsx_rows(path)
        office.fill_report(report, rows, "xlsx")
        if cut:
            report.problem(
                f"表格很大，只读取了前 {office.MAX_SHEETS} 个工作表、每表前 {office.MAX_SHEET_ROWS} 行（共约 "
                f"{office.MAX_CELLS} 个单元格）"
            )
    else:
        report.fail("是压缩包，不是 Word（.docx）或 Excel（.xlsx）文件；请解压后读取其中的文件")


def _check_extension(report: FileReport) -> None:
    expected = _EXTENSIONS.get(report.kind)
    suffix = Path(report.name).suffix.lower()
    if expected and suffix not in (expected if isinstance(expected, tuple) else (expected,)):
        report.problem(f"扩展名是“{suffix or '无'}”，实际内容是{report.kind_label}，已按实际内容读取")


# -- reading in a child process ----------------------------------------------------------------
def _limits(memory: int, seconds: float) -> None:  # pragma: no cover - runs in the child
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = int(seconds) + 2
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))


def read_isolated(
    path: str | os.PathLike[str], *, timeout: float = READ_TIMEOUT, memory: int = READ_MEMORY
) -> FileReport:
    """Read one file in a child process limited to ``memory`` bytes and ``timeout`` seconds."""
    report = new_report(path)
    if not report.readable:
        return report
    preexec = None
    if os.name == "posix":

        def preexec() -> None:  # pragma: no cover - runs in the child
            _limits(memory, timeout)

    try:
        done = subprocess.run(
            [sys.executable, "-m", "deskapp.readers", "--worker", report.path],
            capture_output=True,
            check=False,
            timeout=timeout,
            preexec_fn=preexec,
            env=_child_env(),
        )
    except subprocess.TimeoutExpired:
        return report.fail(f"读取超过 {timeout:.0f} 秒仍未完成，文件过于复杂或已损坏，已停止读取")
    except OSError as exc:
        report.problem(f"无法启动单独的读取进程（{exc}），改为直接读取")
        return read_file(path)
    try:
        child = FileReport.from_json(json.loads(done.stdout.decode("utf-8")))
    except (ValueError, TypeError):
        return report.fail(
            f"读取进程异常退出（代码 {done.returncode}），文件可能是恶意文件或需要的内存超过 "
            f"{memory // (1024 * 1024)} MB，未读取"
        )
    if child.sha256 != report.sha256:
        child.problem("读取期间文件被改动，请重新读取")
    return child


def _child_env() -> dict[str, str]:
    """The parent's environment, with this source tree importable in the child."""
    root = str(Path(__file__).resolve().parent.parent.parent)
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    return env


def read_many(paths: Iterable[str | os.PathLike[str]], isolated: bool = True) -> list[FileReport]:
    reader = read_isolated if isolated else read_file
    return [reader(p) for p in expand(paths)]


def expand(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Files as given; a folder becomes its readable files (Word lock files ~$… skipped), sorted."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw).expanduser()
        if p.is_dir():
            out.extend(
                sorted(
                    f
                    for f in p.rglob("*")
                    if f.is_file() and f.suffix.lower() in READABLE_SUFFIXES and not f.name.startswith(("~$", "."))
                )
            )
        else:
            out.append(p)
    return out


def worker_main(argv: list[str]) -> int:  # pragma: no cover - exercised through read_isolated
    report = read_file(argv[0])
    sys.stdout.write(json.dumps(report.to_json(), ensure_ascii=False))
    return 0
