"""The real desk makes the day's backup in the background at start, and says so when it cannot."""

from deskapp.app import DeskApp

from .conftest import studio_fields


async def test_start_makes_the_days_backup(desk):
    desk.store.register("studio", studio_fields(), "张三")
    app = DeskApp(desk, clerk="张三", daily_backup=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
    made = [p for p in desk.locations.backups.iterdir() if p.is_dir()]
    assert len(made) == 1
    copied = (made[0] / "journal.jsonl").read_bytes()
    assert b"ZD2026-GZS-0001" in copied and desk.locations.journal.read_bytes().startswith(copied)


async def test_a_failed_backup_is_told_and_the_desk_keeps_working(desk):
    desk.store.register("studio", studio_fields(), "张三")
    backups = desk.locations.backups
    backups.rmdir()
    backups.write_text("not a folder", encoding="utf-8")  # the backup folder cannot be made
    app = DeskApp(desk, clerk="张三", daily_backup=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("今日自动备份未完成" in m for m in messages), messages
        assert app.screen.__class__.__name__ == "MainScreen"
