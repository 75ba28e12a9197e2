"""Every location the desk uses, resolved in one place.

One record per office: the data folder comes from ``--data DIR`` first, then the ``DESK_DATA``
environment variable, then the ``data = "..."`` setting in the user's settings file
(:func:`settings_file`, e.g. ``~/.config/zhundong-intake-desk/settings.toml``), else the platform's
user data folder (platformdirs). Never the current folder: a desk started from two folders writes
one record. The git checkout's ``./desk.sh`` passes ``--data data`` itself.

A data folder on a network filesystem (NFS, SMB/CIFS, FUSE, 9p...) is refused
(:func:`check_local`): file locks and fsync are not to be trusted there; the desk is served from
the machine holding the data instead (``deskapp serve``). Folders are created on demand.
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import platformdirs

from deskapp.config import ConfigError

ENV_DATA = "DESK_DATA"
APP_DIR_NAME = "zhundong-intake-desk"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
MOUNTINFO = Path("/proc/self/mountinfo")

SOURCE_FLAG, SOURCE_ENV, SOURCE_SETTING, SOURCE_DEFAULT = "flag", "env", "setting", "default"
SOURCE_LABELS = {
    SOURCE_FLAG: "命令行参数 --data",
    SOURCE_ENV: f"环境变量 {ENV_DATA}",
    SOURCE_SETTING: "设置文件",
    SOURCE_DEFAULT: "本机默认数据文件夹",
}

NETWORK_FS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb",
        "smb2",
        "smb3",
        "smbfs",
        "ncpfs",
        "9p",
        "afs",
        "coda",
        "ceph",
        "glusterfs",
        "lustre",
        "gpfs",
        "ocfs2",
        "gfs2",
        "davfs",
        "sshfs",
        "fuse",
        "fuseblk",
        "virtiofs",
        "beegfs",
        "orangefs",
    }
)
"""Filesystem types whose locks and fsync the desk does not trust (``fuse.*`` counts too)."""


def templates_dir() -> Path:
    """The shipped templates: the installed copy inside the package, else the checkout's ``templates/``.

    A wheel carries them as ``deskapp/templates`` (see ``pyproject.toml``); a git checkout or an
    editable install has them at the top level.
    """
    installed = Path(str(resources.files("deskapp"))) / "templates"
    if (installed / "desk.toml").is_file():
        return installed
    return PROJECT_ROOT / "templates"


def default_data_dir() -> Path:
    """The platform's user data folder, e.g. ``~/.local/share/zhundong-intake-desk`` (XDG_DATA_HOME honoured)."""
    return Path(platformdirs.user_data_dir(APP_DIR_NAME, appauthor=False))


def settings_file() -> Path:
    """The user's settings file, e.g. ``~/.config/zhundong-intake-desk/settings.toml`` (XDG_CONFIG_HOME honoured).

    It holds one key, ``data = "/path/to/the/office/data"``; ``deskapp where --set DIR`` writes it.
    """
    return Path(platformdirs.user_config_dir(APP_DIR_NAME, appauthor=False)) / "settings.toml"


def setting_data_dir() -> str | None:
    """``data`` from :func:`settings_file`, or None when the file or key is absent; ConfigError if unreadable."""
    path = settings_file()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError([f"无法读取：{exc}"], str(path)) from exc
    value = raw.get("data")
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(["data 应为数据文件夹的路径（文字）"], str(path))
    return value


def write_setting(data: str | os.PathLike[str]) -> Path:
    """Write ``data = "<absolute path>"`` into :func:`settings_file`; returns the file's path."""
    path = settings_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    folder = json.dumps(str(Path(data).expanduser().resolve()), ensure_ascii=False)  # a valid TOML basic string
    path.write_text(f"# 受理台的数据文件夹（全科室一份记录）\ndata = {folder}\n", encoding="utf-8")
    return path


class UnsafeDataFolder(ConfigError):
    """The data folder is on a network filesystem; the message (Chinese) says what to do instead."""

    def __init__(self, folder: Path, fstype: str, mount_point: str) -> None:
        self.problems = [f"{folder} 在网络文件系统上（{fstype}，挂载于 {mount_point}）"]
        self.source = str(folder)
        ValueError.__init__(
            self,
            f"数据文件夹 {folder} 在网络文件系统（{fstype}）上：在这里文件锁和写盘都不可靠，"
            "多个受理台同时登记会出现重复编号或丢失记录，所以受理台拒绝在这里写入。"
            "请在存放数据的那台电脑上运行 deskapp serve（其他窗口用浏览器打开它给出的地址），"
            "或用 --data 指定本机硬盘上的文件夹。",
        )


def _unescape_mount(text: str) -> str:
    """Mount points in mountinfo escape space, tab, newline and backslash as octal (``\\040``)."""
    for code, char in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        text = text.replace(code, char)
    return text


def filesystem_of(path: Path, mountinfo: Path | None = None) -> tuple[str, str]:
    """``(fstype, mount point)`` of the mount holding ``path`` (existing or not), read from
    ``/proc/self/mountinfo`` (``mountinfo`` for tests). ``("", "")`` where that file does not exist
    (not Linux). The longest mount point that contains the path wins, the last mounted on a tie."""
    source = mountinfo or MOUNTINFO
    try:
        lines = source.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return "", ""
    target = path.expanduser().resolve()  # symlinks followed as far as the path exists
    best: tuple[int, str, str] = (-1, "", "")
    for line in lines:
        left, sep, right = line.partition(" - ")
        fields, tail = left.split(), right.split()
        if not sep or len(fields) < 5 or not tail:
            continue
        point = _unescape_mount(fields[4])
        inside = target == Path(point) or Path(point) in target.parents
        if inside and len(point) >= best[0]:
            best = (len(point), tail[0], point)
    return best[1], best[2]


def is_network_fs(fstype: str) -> bool:
    """Whether the desk distrusts locks on this filesystem type (see :data:`NETWORK_FS`)."""
    kind = fstype.lower()
    return kind in NETWORK_FS or kind.startswith(("fuse.", "nfs"))


def check_local(folder: Path, mountinfo: Path | None = None) -> None:
    """Raise :class:`UnsafeDataFolder` when ``folder`` lies on a network filesystem (issue 10, point 3)."""
    fstype, point = filesystem_of(folder, mountinfo)
    if fstype and is_network_fs(fstype):
        raise UnsafeDataFolder(folder, fstype, point)


@dataclass(frozen=True)
class Locations:
    """Paths under one data folder; ``source`` says where it came from (see :data:`SOURCE_LABELS`)."""

    data: Path
    source: str = SOURCE_FLAG

    @classmethod
    def resolve(cls, data: str | os.PathLike[str] | None = None) -> Locations:
        """``--data``, else ``DESK_DATA``, else the settings file, else the user data folder (ConfigError
        when the settings file is broken)."""
        if data:
            chosen, source = str(data), SOURCE_FLAG
        elif os.environ.get(ENV_DATA):
            chosen, source = os.environ[ENV_DATA], SOURCE_ENV
        elif (setting := setting_data_dir()) is not None:
            chosen, source = setting, SOURCE_SETTING
        else:
            chosen, source = str(default_data_dir()), SOURCE_DEFAULT
        return cls(Path(chosen).expanduser().resolve(), source)

    @property
    def source_label(self) -> str:
        """Where the data folder came from, in Chinese (for ``deskapp where`` and the screen)."""
        label = SOURCE_LABELS.get(self.source, self.source)
        return f"{label}（{settings_file()}）" if self.source == SOURCE_SETTING else label

    def _dir(self, *parts: str) -> Path:
        path = self.data.joinpath(*parts)
        path.mkdir(parents=True, exist_ok=True)
        return path

    def ensure(self) -> Locations:
        """Refuse a network filesystem (:class:`UnsafeDataFolder`), then create the folder."""
        check_local(self.data)
        self.data.mkdir(parents=True, exist_ok=True)
        return self

    @property
    def journal(self) -> Path:
        """The append-only, hash-chained journal: the store's source of truth."""
        return self.data / "journal.jsonl"

    @property
    def snapshot(self) -> Path:
        """The journal's state up to a recorded entry, so a start replays only the tail (a cache)."""
        return self.data / "journal.snapshot"

    @property
    def lock(self) -> Path:
        """The lock every desk on this data folder takes to append to the journal (``journal.lock``)."""
        return self.data / "journal.lock"

    @property
    def config(self) -> Path:
        """The office's own settings (staff list, overrides of the shipped round)."""
        return self.data / "desk.toml"

    @property
    def scan_log(self) -> Path:
        """Every line read on the desk's scan route, one JSON line each (``logs/scans.jsonl``)."""
        return self.data / "logs" / "scans.jsonl"

    @property
    def secret(self) -> Path:
        """The per-office secret behind receipt QR codes; never exported."""
        return self.data / "secret.key"

    @property
    def exports(self) -> Path:
        """Where exports go unless ``--out`` says otherwise (``exports/``, created on first use)."""
        return self._dir("exports")

    @property
    def outbox(self) -> Path:
        """Slips that could not be printed wait here as PDF."""
        return self._dir("outbox")

    @property
    def backups(self) -> Path:
        """Daily copies of the journal (``backups/``, created on first use; ``[backup] keep_days``)."""
        return self._dir("backups")

    @property
    def templates(self) -> Path:
        """The shipped templates (:func:`templates_dir`), the same for every data folder."""
        return templates_dir()

    @property
    def default_config(self) -> Path:
        """The shipped ``desk.toml`` (the round of the notice), which the office's :attr:`config` overrides."""
        return self.templates / "desk.toml"
