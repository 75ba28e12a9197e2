from pathlib import Path

import pytest

from deskapp.config import ConfigError, load_config, parse_config, read_toml
from deskapp.locations import templates_dir
from deskapp.timeutil import BEIJING


def shipped() -> dict:
    return read_toml(templates_dir() / "desk.toml")


def test_shipped_2026_round_follows_the_notice():
    config = load_config(templates_dir() / "desk.toml")
    r = config.round
    assert r.id == "2026"
    assert r.deadline.tzinfo is not None and r.deadline.utcoffset().total_seconds() == 8 * 3600
    assert (r.deadline.year, r.deadline.month, r.deadline.day) == (2026, 6, 15)
    assert r.sectors == ("煤炭煤电煤化工", "有色金属冶炼", "绿色矿业", "新能源新材料", "教育", "卫生")
    assert (r.members_min, r.members_max, r.page_limit) == (5, 10, 25)
    studio = [i.label for i in r.checklist("studio")]
    project = [i.label for i in r.checklist("project")]
    assert any("附件1" in x for x in studio) and any("附件2" in x for x in studio) and "佐证材料" in studio
    assert any("附件3" in x for x in project) and any("附件4" in x for x in project)
    for labels in (studio, project):
        assert "行业主管部门负责人签字" in labels and "行业主管部门公章" in labels and "电子版" in labels


def test_office_file_overrides_key_by_key(tmp_path: Path):
    office = tmp_path / "desk.toml"
    office.write_text('[round]\npage_limit = 30\n[[staff]]\nname = "张三"\n', encoding="utf-8")
    config = load_config(templates_dir() / "desk.toml", office)
    assert config.round.page_limit == 30
    assert config.round.members_max == 10  # untouched keys stay
    assert config.staff[0].name == "张三" and config.staff[0].role == "clerk"


def test_every_problem_is_reported_in_chinese_at_once():
    raw = shipped()
    raw["round"]["deadline"] = "6月15日"
    raw["round"]["sectors"] = []
    raw["round"]["members_min"] = 12
    raw["round"]["receipt"]["studio"] = "ZD-{n}"
    raw["slip"]["paper"] = "B5"
    raw["staff"] = [{"name": "王", "role": "boss"}, {"name": "赵", "role": "supervisor"}]
    with pytest.raises(ConfigError) as info:
        parse_config(raw, "test")
    text = "\n".join(info.value.problems)
    assert "round.deadline" in text and "round.sectors" in text and "members_min" in text
    assert "round.receipt.studio" in text and "slip.paper" in text
    assert "staff[1].role" in text and "没有设置 PIN" in text
    assert len(info.value.problems) >= 7


def test_receipt_format_must_be_scanner_safe():
    raw = shipped()
    raw["round"]["receipt"]["project"] = "ZD{year}：XM{seq}"
    with pytest.raises(ConfigError, match="大写字母"):
        parse_config(raw)


def test_broken_toml_and_wrong_encoding_are_config_errors(tmp_path: Path):
    bad = tmp_path / "desk.toml"
    bad.write_text("[round\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="TOML"):
        load_config(templates_dir() / "desk.toml", bad)
    bad.write_bytes('[office]\nname = "人才援疆科"\n'.encode("gbk"))
    with pytest.raises(ConfigError, match="UTF-8"):
        load_config(templates_dir() / "desk.toml", bad)


def test_deadline_without_zone_is_beijing_time():
    raw = shipped()
    raw["round"]["deadline"] = "2027-06-15 18:00"
    config = parse_config(raw)
    assert config.round.deadline.tzinfo == BEIJING or config.round.deadline.utcoffset().total_seconds() == 28800
    assert config.round.deadline.hour == 18
