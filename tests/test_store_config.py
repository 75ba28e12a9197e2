"""Configuration checked whole (issue 12, point 6): unknown keys, wrong types, key names,
binding ids, scan-box keys, and a remapped key replacing its default everywhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from deskapp.app import DeskApp, run_app
from deskapp.config import ConfigError, load_config
from deskapp.locations import templates_dir
from deskapp.service import Desk
from screens.keymap import keymap_problems

SHIPPED = templates_dir() / "desk.toml"

BAD = [  # (office desk.toml, what the message must name)
    ('[slip]\ncounterfoil = "no"\n', "slip.counterfoil 应为 true 或 false"),
    ('[[round.checklist.studio]]\nkey = "x"\nlabel = "X"\nrequired = "no"\n', "required 应为 true 或 false"),
    ("[round]\nid = 2027\n", "round.id 应为文字"),
    ('[round]\npage_limit = "25"\n', "round.page_limit 应为整数"),
    ('[round]\ndeadlne = "2026-06-15"\n', "不认识的设置 round.deadlne"),
    ('[offic]\nname = "x"\n', "不认识的设置 offic"),
    ('[slip]\npaper = "A5"\ncolour = true\n', "不认识的设置 slip.colour"),
    ('[[staff]]\nname = "张三"\npin = "123456"\n', "不认识的设置 staff[1].pin"),
    ("[keys]\nregister = 5\n", "keys.register 应为按键名称文字"),
    ('[keys]\nregister = "F 5"\n', "按键名称 'F 5' 无效"),
    ('[keys]\n"Register!" = "f5"\n', "keys.Register! 不是有效的按键编号"),
    ("[backup]\nkeep_days = true\n", "backup.keep_days 应为整数"),
    ("[calendar]\nrestdays = []\n", "不认识的设置 calendar.restdays"),
]


@pytest.mark.parametrize(("text", "named"), BAD)
def test_a_bad_setting_is_refused_naming_key_and_type(tmp_path: Path, text: str, named: str) -> None:
    office = tmp_path / "desk.toml"
    office.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(SHIPPED, office)
    assert named in str(caught.value)


def test_good_settings_still_load(tmp_path: Path) -> None:
    office = tmp_path / "desk.toml"
    office.write_text(
        '[slip]\ncounterfoil = true\n[keys]\nregister = "f5"\n"checklist.all" = "f11"\n', encoding="utf-8"
    )
    config = load_config(SHIPPED, office)
    assert config.slip.counterfoil is True and config.keys == {"register": "f5", "checklist.all": "f11"}
    assert keymap_problems(config.keys, DeskApp) == []


def test_binding_ids_and_scan_box_keys_are_checked_against_the_desk() -> None:
    assert any("keys.registr 不是受理台的按键编号" in p for p in keymap_problems({"registr": "f5"}, DeskApp))
    for key in ("5", "a", "minus", "shift+z"):
        problems = keymap_problems({"register": key}, DeskApp)
        assert len(problems) == 1 and "扫码框" in problems[0], key
    assert keymap_problems({"register": "ctrl+r", "checklist.all": "f11", "kind.studio": "s"}, DeskApp) == []


def test_the_desk_does_not_start_on_a_key_a_scan_could_type(data_dir: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (data_dir / "desk.toml").write_text('[keys]\nregister = "5"\n', encoding="utf-8")
    assert run_app(data_dir) == 2
    err = capsys.readouterr().err
    assert "受理台无法启动" in err and "keys.register" in err and "扫码框" in err


async def test_a_remapped_checklist_key_replaces_its_default(desk: Desk) -> None:
    from screens.checklist import Checklist
    from screens.register import RegisterScreen

    config = desk.locations.config
    config.write_text(config.read_text(encoding="utf-8") + '\n[keys]\n"checklist.all" = "f11"\n', encoding="utf-8")
    desk.reload_config()
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        app.push_screen(RegisterScreen("studio"))
        await pilot.pause()
        checklist = app.screen.query_one(Checklist)
        checklist.focus()
        await pilot.pause()
        await pilot.press("0")
        await pilot.pause()
        assert not any(checklist.state.values())  # 0 no longer ticks all
        await pilot.press("f11")
        await pilot.pause()
        assert all(checklist.state.values())
