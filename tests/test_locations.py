"""One record per office: where the data folder comes from, and a network folder refused (issue 10, points 2–3)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from deskapp import cli, locations
from deskapp.locations import Locations, UnsafeDataFolder, check_local, filesystem_of, is_network_fs
from deskapp.service import open_desk

ROOT = Path(__file__).resolve().parent.parent
LINE = json.dumps(
    {
        "kind": "studio",
        "unit": "准东某煤化工有限公司",
        "name": "煤化工技能大师工作室",
        "leader": "张卫东",
        "sector": "煤炭煤电煤化工",
        "members": 6,
        "pages": 20,
    },
    ensure_ascii=False,
)


def _mountinfo(tmp_path: Path, *mounts: tuple[str, str]) -> Path:
    """A mountinfo file in the kernel's format: (mount point, fstype) per line, ``/`` first."""
    lines = [
        f"{20 + n} 1 0:{n} / {point} rw,relatime shared:{n} - {fstype} src{n} rw"
        for n, (point, fstype) in enumerate((("/", "ext4"), *mounts))
    ]
    path = tmp_path / "mountinfo"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_folder_comes_from_flag_then_env_then_setting_then_the_user_data_folder(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    default = Locations.resolve()
    assert default.source == "default"
    assert default.data == (tmp_path.parent / default.data.relative_to(tmp_path.parent)).resolve()
    assert "zhundong-intake-desk" in default.data.parts and Path.cwd() not in (default.data, default.data.parent)
    locations.write_setting(tmp_path / "office")
    assert Locations.resolve() == Locations(tmp_path / "office", "setting")
    assert "设置文件" in Locations.resolve().source_label
    monkeypatch.setenv("DESK_DATA", str(tmp_path / "env"))
    assert Locations.resolve() == Locations(tmp_path / "env", "env")
    assert Locations.resolve(tmp_path / "flag") == Locations(tmp_path / "flag", "flag")


def test_a_broken_settings_file_is_said_plainly(tmp_path: Path) -> None:
    locations.settings_file().parent.mkdir(parents=True)
    locations.settings_file().write_text("data = 3\n", encoding="utf-8")
    with pytest.raises(locations.ConfigError, match="data 应为数据文件夹的路径"):
        Locations.resolve()


def test_data_is_taken_before_or_after_the_subcommand(tmp_path: Path) -> None:
    parser = cli.build_parser()
    assert parser.parse_args(["--data", "A", "list"]).data == "A"
    assert parser.parse_args(["list", "--data", "B"]).data == "B"
    assert parser.parse_args(["--data", "A", "list", "--data", "B"]).data == "B"
    assert parser.parse_args(["export", "annex2", "--data", "C"]).data == "C"
    assert parser.parse_args(["list"]).data is None


def _deskapp(cwd: Path, env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "deskapp", *args],
        check=False,  # callers assert the exit codes
        cwd=cwd,
        env=env,
        input=stdin,
        text=True,
        encoding="utf-8",
        capture_output=True,
        timeout=120,
    )


def test_one_record_whatever_the_current_folder(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DESK_DATA"}
    env.update(PYTHONPATH=str(ROOT), XDG_DATA_HOME=str(tmp_path / "share"), XDG_CONFIG_HOME=str(tmp_path / "config"))
    first, second = tmp_path / "cwdA", tmp_path / "cwdB"
    first.mkdir()
    second.mkdir()
    numbers = []
    for cwd in (first, second):
        done = _deskapp(cwd, env, "register", "--clerk", "张三", stdin=LINE + "\n")
        assert done.returncode == 0, done.stderr
        numbers.append(json.loads(done.stdout)["receipt_no"])
    assert numbers == ["ZD2026-GZS-0001", "ZD2026-GZS-0002"]
    where = _deskapp(second, env, "where")
    assert where.stdout.strip() == str(tmp_path / "share" / "zhundong-intake-desk")
    assert "本机默认数据文件夹" in where.stderr
    assert not (first / "data").exists() and not (second / "data").exists()
    listed = _deskapp(first, env, "list", "--data", str(tmp_path / "share" / "zhundong-intake-desk"), "--json")
    assert sorted(p["receipt_no"] for p in json.loads(listed.stdout)) == numbers


@pytest.mark.parametrize("fstype", ["nfs", "nfs4", "cifs", "smb3", "fuse.sshfs", "fuse", "9p", "ceph", "glusterfs"])
def test_a_network_filesystem_is_refused(tmp_path: Path, fstype: str, monkeypatch: pytest.MonkeyPatch) -> None:
    share = tmp_path / "share mount"
    info = _mountinfo(tmp_path, (str(share).replace(" ", "\\040"), fstype), ("/proc", "proc"))
    assert filesystem_of(share / "data", info) == (fstype, str(share))
    with pytest.raises(UnsafeDataFolder) as refused:
        check_local(share / "data", info)
    assert "deskapp serve" in str(refused.value) and fstype in str(refused.value)
    monkeypatch.setattr(locations, "MOUNTINFO", info)
    with pytest.raises(UnsafeDataFolder):
        open_desk(share / "data")
    assert not (share / "data").exists(), "nothing is written on a refused folder"
    assert cli.main(["--data", str(share / "data"), "list"]) == 2
    assert cli.main(["where", "--data", str(share / "data")]) == 2


def test_a_local_folder_beside_a_network_mount_is_accepted(tmp_path: Path) -> None:
    info = _mountinfo(tmp_path, (str(tmp_path / "nfs"), "nfs4"), (str(tmp_path / "nfsx"), "ext4"))
    check_local(tmp_path / "nfsx" / "data", info)  # a longer mount point wins, and /nfs is not a prefix of /nfsx
    check_local(tmp_path / "other", info)
    assert filesystem_of(tmp_path / "nfsx" / "data", info)[0] == "ext4"


def test_the_machines_real_mounts_are_read(tmp_path: Path) -> None:
    """Against the real /proc/self/mountinfo: /dev/shm is tmpfs (local, accepted), the test folder local too."""
    assert filesystem_of(Path("/dev/shm/desk-data"))[0] == "tmpfs"
    assert not is_network_fs("tmpfs") and not is_network_fs("ext4")
    check_local(Path("/dev/shm/desk-data"))
    desk = open_desk(tmp_path / "data")
    assert desk.locations.data.is_dir()
