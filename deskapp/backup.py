"""Backups of the data folder: on demand, once a day automatically, and restoring one.

A backup is a folder ``desk-YYYYMMDD-HHMMSS`` holding ``journal.jsonl`` (the committed
entries, cut at the last whole line), ``desk.toml`` and ``secret.key`` as they were at one
moment -- copied while holding the journal lock, so no desk writes in between -- and
``manifest.json`` (the entry it ends at, SHA-256 of every file). It is written under a
temporary name and renamed into place, so a half-made backup never looks like one.

``secret.key`` is included: a backup exists to bring the desk back whole, and without
the key the QR codes on every slip already handed out could no longer be verified. A
backup is not an export; exports never carry the key. Keep backup folders as safe as
the data folder itself (the key file is written readable by its owner only).

Restoring verifies the backup first (manifest, checksums, the whole hash chain, the
config) and refuses a broken one. The current files are copied aside into
``replaced-YYYYMMDD-HHMMSS/`` in the data folder before anything is replaced: a restore
never destroys the state it replaces.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from deskapp.config import ConfigError, load_config
from deskapp.journal import JournalError, fsync_dir, retrying, verify_chain, write_atomic
from deskapp.service import Desk
from deskapp.timeutil import iso, show, to_beijing

MANIFEST = "manifest.json"
JOURNAL = "journal.jsonl"
CONFIG = "desk.toml"
SECRET = "secret.key"
NAME = re.compile(r"^desk-(\d{8})-(\d{6})(?:-\d+)?$")
AUTO_ACTOR = "受理台（自动备份）"


class BackupError(JournalError):
    """A backup or restore that did not happen; the message says why and what to do."""


@dataclass(frozen=True)
class Backup:
    """A backup made: its folder, when, the journal's entries and last hash then, and its files."""

    path: Path
    created_at: str
    entries: int
    last_hash: str
    files: dict[str, str]
    """File name -> SHA-256."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _copy(src: Path, dst: Path, length: int | None = None) -> None:
    """Copy ``src`` (its first ``length`` bytes) to ``dst`` and fsync it."""
    remaining = length
    with open(src, "rb") as source, open(dst, "wb") as target:
        while remaining is None or remaining > 0:
            block = source.read(1 << 20 if remaining is None else min(1 << 20, remaining))
            if not block:
                break
            target.write(block)
            if remaining is not None:
                remaining -= len(block)
        target.flush()
        os.fsync(target.fileno())


def _stamp(moment: datetime) -> str:
    return to_beijing(moment).strftime("%Y%m%d-%H%M%S")


def backup_date(path: Path) -> datetime | None:
    """When a backup folder was made, from its name (Beijing time)."""
    match = NAME.match(path.name)
    if not match:
        return None
    stamp = datetime.strptime(match.group(1) + match.group(2) + "+0800", "%Y%m%d%H%M%S%z")  # names are Beijing time
    return to_beijing(stamp)


def list_backups(folder: Path) -> list[Path]:
    """Backup folders in ``folder``, oldest first."""
    if not folder.is_dir():
        return []
    found = [p for p in folder.iterdir() if p.is_dir() and backup_date(p) is not None]
    return sorted(found, key=lambda p: (backup_date(p), p.name))


def make_backup(desk: Desk, to: Path | None = None, actor: str = "") -> Backup:
    """A consistent copy of the data folder's journal, config and key in a new folder of ``to``
    (default: the data folder's ``backups/``). Raises :class:`BackupError` with a clear message."""
    store = desk.store
    locations = desk.locations
    root = Path(to) if to is not None else locations.backups
    now = store.clock()
    name = f"desk-{_stamp(now)}"
    tmp = root / f".{name}.{os.getpid()}.partial"
    try:
        root.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        copied = []
        with store.locked():  # only the copy holds up other desks
            committed = store.journal.offset  # whole lines only: an interrupted write is left out
            entries, last_hash = store.journal.entry_no, store.journal.last_hash
            if locations.journal.exists():
                _copy(locations.journal, tmp / JOURNAL, committed)
                copied.append(JOURNAL)
            for file_name, source in ((CONFIG, locations.config), (SECRET, locations.secret)):
                if source.exists():
                    _copy(source, tmp / file_name)
                    copied.append(file_name)
        if SECRET in copied:
            os.chmod(tmp / SECRET, 0o600)
        files = {file_name: _sha256(tmp / file_name) for file_name in copied}
        manifest = {
            "format": 1,
            "created_at": iso(now),
            "entries": entries,
            "last_hash": last_hash,
            "journal_bytes": committed,
            "data_folder": str(locations.data),
            "files": files,
        }
        write_atomic(tmp / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"))
        fsync_dir(tmp)
        target = _rename_free(tmp, root, name)
        fsync_dir(root)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise BackupError(
            f"备份未完成（{exc.strerror or exc}）：{root}。请检查该文件夹是否可写、磁盘是否已满。"
        ) from exc
    backup = Backup(target, iso(now), entries, last_hash, files)
    if actor:
        store.record_event("backup", actor, data={"to": str(target), "entries": backup.entries})
    return backup


def _rename_free(tmp: Path, root: Path, name: str) -> Path:
    """Rename the finished backup ``tmp`` to ``name`` in ``root`` (``name-2``, ... if taken)."""
    for n in range(1, 100):
        target = root / (name if n == 1 else f"{name}-{n}")
        if target.exists():
            continue
        try:
            retrying(lambda: os.rename(tmp, target))  # noqa: B023 (called at once)
            return target
        except FileExistsError:
            continue
        except OSError:
            if target.exists():  # another desk took the name in between
                continue
            raise
    raise FileExistsError(f"{root / name}")


def prune_backups(folder: Path, keep_days: int, now: datetime) -> list[Path]:
    """Remove backup folders older than ``keep_days`` days; the newest one is always kept."""
    backups = list_backups(folder)
    cutoff = to_beijing(now) - timedelta(days=keep_days)
    removed = []
    for path in backups[:-1]:
        made = backup_date(path)
        if made is not None and made < cutoff:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def daily_backup(desk: Desk, actor: str = AUTO_ACTOR) -> Backup | None:
    """Back up once a day the desk is used; the app calls this at start (in a worker thread).

    Does nothing when the data folder's ``backups/`` already has one from today (Beijing
    date). Prunes backups older than ``backup.keep_days``. Also refreshes the snapshot.
    """
    store = desk.store
    today = to_beijing(store.clock()).date()
    folder = desk.locations.backups
    with store.locked():  # two desks starting at once make one backup
        if any((made := backup_date(p)) is not None and made.date() == today for p in list_backups(folder)):
            return None
        if store.journal.entry_no == 0:
            return None
        backup = make_backup(desk)
    store.record_event("backup", actor, data={"to": str(backup.path), "entries": backup.entries, "daily": True})
    prune_backups(folder, desk.config.backup_keep_days, store.clock())
    store.save_snapshot()
    return backup


def daily_backup_message(desk: Desk) -> str | None:
    """For the app's start (in a thread worker): the daily backup, never raising.

    Returns a message for the clerk when the backup could not be made (show it; the desk
    keeps working), None when it was made or was not due.
    """
    try:
        daily_backup(desk)
    except (JournalError, OSError) as exc:
        detail = str(exc) if isinstance(exc, JournalError) else (exc.strerror or str(exc))
        return f"今日自动备份未完成：{detail}。受理可以照常进行；请告知管理员检查数据文件夹（或运行 deskapp backup）。"
    return None


@dataclass(frozen=True)
class BackupCheck:
    """What :func:`verify_backup` found (``problems`` empty: whole and unaltered)."""

    path: Path
    problems: tuple[str, ...]
    manifest: dict[str, object]

    @property
    def ok(self) -> bool:
        """Nothing wrong was found."""
        return not self.problems


def verify_backup(path: Path, default_config: Path) -> BackupCheck:
    """Is ``path`` a whole, unaltered backup? Checks the manifest, every file's SHA-256, the
    journal's whole hash chain against the manifest, and that its config loads."""
    problems: list[str] = []
    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
        files = dict(manifest["files"])
    except (OSError, ValueError, KeyError, TypeError):
        return BackupCheck(path, (f"{path} 不是受理台备份（缺少或无法读取 {MANIFEST}）",), {})
    strange = sorted(set(files) - {JOURNAL, CONFIG, SECRET})
    if strange:
        return BackupCheck(path, ("备份清单列出了不认识的文件：" + "、".join(map(str, strange)),), manifest)
    for file_name, digest in files.items():
        try:
            if _sha256(path / file_name) != digest:
                problems.append(f"{file_name} 与备份时不一致（被改动或损坏）")
        except OSError:
            problems.append(f"缺少 {file_name}")
    if JOURNAL in files:
        key = None
        if SECRET in files:
            from deskapp.journal import chain_key
            from deskapp.office_secret import SecretError, load_secret

            try:
                key = chain_key(load_secret(path / SECRET))
            except (SecretError, OSError):
                problems.append(f"备份中的 {SECRET} 无法读取")
        chain = verify_chain(path / JOURNAL, key)
        if chain.bad:
            problems.append("记录链断裂：" + chain.bad.describe())
        elif (
            chain.torn_tail or chain.entries != manifest.get("entries") or chain.last_hash != manifest.get("last_hash")
        ):
            problems.append("记录文件与备份清单记载的条数或末条哈希不符")
    if CONFIG in files:
        try:
            load_config(default_config, path / CONFIG)
        except ConfigError as exc:
            problems.append(f"备份中的设置文件有误：{exc}")
    return BackupCheck(path, tuple(problems), manifest)


@dataclass(frozen=True)
class Restored:
    """A restore done: from where, where the replaced files went, and the entries restored."""

    source: Path
    aside: Path
    """Where the replaced files were kept."""
    entries: int


def resolve_backup(desk: Desk, source: str | Path) -> Path:
    """A path, or the name of a folder in the data folder's ``backups/``."""
    path = Path(source).expanduser()
    if not path.exists() and (desk.locations.backups / str(source)).exists():
        path = desk.locations.backups / str(source)
    return path.resolve()


def restore_backup(desk: Desk, source: str | Path, actor: str) -> Restored:
    """Put a verified backup in place of the data folder's journal, config and key.

    Refuses a broken backup (:class:`BackupError` naming the problem). The replaced files
    are copied into ``replaced-<time>/`` first. Other desks on the folder notice the new
    journal on their next look and read it afresh.
    """
    path = resolve_backup(desk, source)
    check = verify_backup(path, desk.locations.default_config)
    if not check.ok:
        raise BackupError(f"拒绝从 {path} 恢复：" + "；".join(check.problems) + "。当前记录未作任何改动。")
    listed = check.manifest.get("files")
    files = dict(listed) if isinstance(listed, dict) else {}  # verify_backup refused any other
    store = desk.store
    locations = desk.locations
    now = store.clock()
    aside = locations.data / f"replaced-{_stamp(now)}"
    n = 1
    while aside.exists():
        n += 1
        aside = locations.data / f"replaced-{_stamp(now)}-{n}"
    current = {JOURNAL: locations.journal, CONFIG: locations.config, SECRET: locations.secret}
    try:
        with store.locked():
            aside.mkdir()
            for file_name, live in (*current.items(), (locations.snapshot.name, locations.snapshot)):
                if live.exists():
                    _copy(live, aside / file_name)
            fsync_dir(aside)
            staged = {}
            for file_name in files:
                staged[file_name] = locations.data / f".{file_name}.restore.{os.getpid()}"
                _copy(path / file_name, staged[file_name])
            for file_name, tmp in staged.items():
                retrying(lambda: os.replace(tmp, current[file_name]))  # noqa: B023 (called at once)
            if JOURNAL not in files and locations.journal.exists():
                retrying(lambda: os.replace(locations.journal, aside / f"{JOURNAL}.moved"))
            if locations.snapshot.exists():
                locations.snapshot.unlink()
            fsync_dir(locations.data)
    except OSError as exc:
        raise BackupError(f"恢复未完成（{exc.strerror or exc}）。原有文件已保存在 {aside}，请检查磁盘后重试。") from exc
    store.refresh()
    desk.reload_config()
    store.record_event(
        "restore",
        actor,
        data={"from": str(path), "aside": str(aside), "entries": check.manifest.get("entries")},
        reason=f"从 {check.manifest.get('created_at', '')} 的备份恢复",
    )
    entries = check.manifest.get("entries", 0)
    return Restored(path, aside, entries if isinstance(entries, int) else 0)


def describe(backup: Backup) -> str:
    """One line for the clerk: how many entries were backed up, when, and where."""
    return f"已备份 {backup.entries} 条记录（{show(backup.created_at, True)}）到 {backup.path}"
