"""``[counters]``: each counter's printer, and where a slip goes when a counter has none
(deskapp/counters.py; printing through a real CUPS is in tests/test_printing.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from deskapp.auth import ENV_COUNTER
from deskapp.config import ConfigError, load_config, parse_config, read_toml
from deskapp.counters import SlipRoute, counter_names, counter_printer, slip_route
from deskapp.locations import templates_dir


def shipped() -> dict:  # type: ignore[type-arg]
    return read_toml(templates_dir() / "desk.toml")


def test_counters_are_read_from_the_office_file(tmp_path: Path) -> None:
    office = tmp_path / "desk.toml"
    office.write_text(
        '[slip]\nprinter = "host-printer"\n[counters]\n"192.168.1.21" = " counter1 "\n"一号窗口" = "HP_LaserJet_M1005"\n',
        encoding="utf-8",
    )
    config = load_config(templates_dir() / "desk.toml", office)
    assert config.counters == {"192.168.1.21": "counter1", "一号窗口": "HP_LaserJet_M1005"}
    assert load_config(templates_dir() / "desk.toml").counters == {}  # the shipped file sets none


@pytest.mark.parametrize(
    ("value", "said"),
    [
        (7, "应为打印机名称"),
        ("", "应为打印机名称"),
        ("   ", "应为打印机名称"),
        ("a\tb", "打印机名称无效"),
        ("p" * 128, "打印机名称无效"),
        (["counter1"], "应为打印机名称"),
    ],
)
def test_a_bad_printer_name_is_refused_by_name_in_chinese(value: object, said: str) -> None:
    raw = shipped()
    raw["counters"] = {"192.168.1.21": value}
    with pytest.raises(ConfigError) as info:
        parse_config(raw, "test")
    assert any("counters.192.168.1.21" in p and said in p for p in info.value.problems), info.value.problems


def test_counters_must_be_a_table_and_names_not_empty() -> None:
    raw = shipped()
    raw["counters"] = "counter1"
    with pytest.raises(ConfigError, match=r"\[counters\] 应为一个表"):
        parse_config(raw)
    raw["counters"] = {" ": "counter1"}
    with pytest.raises(ConfigError, match="空的窗口名"):
        parse_config(raw)
    raw["counters"] = {"10.0.0.7": "a", " 10.0.0.7 ": "b"}
    with pytest.raises(ConfigError, match="出现了两次"):
        parse_config(raw)


def test_a_counter_is_found_by_its_label_or_its_address() -> None:
    assert counter_names("浏览器 10.0.0.7") == ("浏览器 10.0.0.7", "10.0.0.7")
    assert counter_names("SSH 10.0.0.8") == ("SSH 10.0.0.8", "10.0.0.8")
    assert counter_names("一号窗口") == ("一号窗口",)
    assert counter_names("浏览器 ") == ("浏览器",)
    raw = shipped()
    raw["counters"] = {"10.0.0.7": "by-address", "浏览器 10.0.0.9": "by-label", "10.0.0.9": "not-this"}
    config = parse_config(raw)
    assert counter_printer(config, "浏览器 10.0.0.7") == "by-address"
    assert counter_printer(config, "SSH 10.0.0.7") == "by-address"
    assert counter_printer(config, "浏览器 10.0.0.9") == "by-label"  # the label's own entry comes first
    assert counter_printer(config, "浏览器 10.0.0.70") is None  # an address is matched whole


def test_where_a_slip_goes() -> None:
    raw = shipped()
    raw["slip"]["printer"] = "host-printer"
    raw["counters"] = {"10.0.0.7": "counter1", "一号窗口": "window1"}
    config = parse_config(raw)
    # a counter with its printer: printed there, browser or not, and not downloaded too
    assert slip_route(config, "浏览器 10.0.0.7", in_browser=True) == SlipRoute("counter1", download=False)
    assert slip_route(config, "一号窗口", in_browser=False) == SlipRoute("window1", download=False)
    # a browser with none: not printed on the host, downloaded to print at the clerk's PC
    assert slip_route(config, "浏览器 10.0.0.8", in_browser=True) == SlipRoute(None, download=True)
    # a terminal or SSH desk with none: the host's [slip] printer, as before
    assert slip_route(config, "SSH 10.0.0.8", in_browser=False) == SlipRoute("host-printer", download=False)


def test_a_terminal_desk_names_its_counter_with_desk_counter(monkeypatch: pytest.MonkeyPatch) -> None:
    from deskapp.auth import counter_label

    raw = shipped()
    raw["counters"] = {"一号窗口": "window1"}
    config = parse_config(raw)
    monkeypatch.setenv(ENV_COUNTER, "一号窗口")
    assert slip_route(config, counter_label(), in_browser=False).printer == "window1"
