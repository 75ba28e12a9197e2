import pytest

from deskapp.auth import NotAllowed, hash_pin, require_supervisor, verify_pin
from deskapp.config import StaffMember
from deskapp.service import save_staff


def test_pin_is_salted_and_verifiable():
    a, b = hash_pin("246810"), hash_pin("246810")
    assert a != b and "246810" not in a and a.startswith("scrypt$")
    assert verify_pin("246810", a) and not verify_pin("2469", a) and not verify_pin("246810", "garbage")
    with pytest.raises(ValueError):
        hash_pin("12")


def test_supervisor_needs_role_and_right_pin(desk):
    save_staff(desk.locations, [StaffMember("张三"), StaffMember("王科长", "supervisor", hash_pin("246810"))])
    config = desk.reload_config()
    assert "246810" not in desk.locations.config.read_text(encoding="utf-8")
    assert require_supervisor(config, "王科长", "246810").name == "王科长"
    with pytest.raises(NotAllowed, match="受理员"):
        require_supervisor(config, "张三", "246810")
    with pytest.raises(NotAllowed, match="PIN 不正确"):
        require_supervisor(config, "王科长", "0000")
