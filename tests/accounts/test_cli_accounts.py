"""``hailong user ...`` and ``hailong api-key ...`` on both engines."""

from __future__ import annotations

from sqlalchemy import func, select

from survey.cli import cli
from survey.db.accounts import User
from survey.services import accounts, credentials
from survey.web.database import session_scope


def _run(runner, *args, input=None):
    return runner.invoke(cli, list(args), input=input)


def test_user_create_set_role_disable_list(app, runner, units):
    made = _run(runner, "user", "create", "Lan.Tran", "--name", "Trần Thị Lan", "--role", "unit_manager",
                "--unit", "C01", "--password-stdin", input="mot-mat-khau-dai\n")
    assert made.exit_code == 0, made.output
    with session_scope(app) as session:
        user = accounts.authenticate(session, "lan.tran", "mot-mat-khau-dai")
        assert (user.role, user.unit_id, user.display_name) == ("unit_manager", units["C01"], "Trần Thị Lan")
    assert _run(runner, "user", "set-role", "lan.tran", "supervisor", "--unit", "S01").exit_code == 0
    assert _run(runner, "user", "create", "quan.tri", "--name", "Quản trị", "--role", "admin",
                "--password-stdin", input="mat-khau-quan-tri\n").exit_code == 0
    listed = _run(runner, "user", "list").output.splitlines()
    assert [line.split()[:4] for line in listed] == [
        ["lan.tran", "supervisor", "S01", "active"], ["quan.tri", "admin", "*", "active"]
    ]
    assert _run(runner, "user", "list", "--unit", "C02").output == ""
    assert _run(runner, "user", "disable", "lan.tran").exit_code == 0
    with session_scope(app) as session:
        assert accounts.authenticate(session, "lan.tran", "mot-mat-khau-dai") is None
    assert _run(runner, "user", "enable", "lan.tran").exit_code == 0
    assert _run(runner, "user", "set-password", "lan.tran", "--password-stdin",
                input="mat-khau-thu-hai\n").exit_code == 0
    with session_scope(app) as session:
        assert accounts.authenticate(session, "lan.tran", "mat-khau-thu-hai") is not None


def test_password_prompt_asks_twice(app, runner, units):
    result = _run(runner, "user", "create", "an.le", "--name", "Lê An", "--role", "analyst",
                  input="mat-khau-an-toan\nmat-khau-an-toan\n")
    assert result.exit_code == 0, result.output
    assert "mat-khau-an-toan" not in result.output


def test_user_errors_are_shown_in_vietnamese_then_english(app, runner, units):
    short = _run(runner, "user", "create", "binh", "--name", "Bình", "--role", "analyst",
                 "--password-stdin", input="ngan\n")
    assert short.exit_code == 1
    assert short.output.index("lỗi: Mật khẩu phải có ít nhất 10 ký tự") < short.output.index(
        "error: The password must have at least 10 characters")
    assert _run(runner, "user", "disable", "khong.co").exit_code == 1
    no_unit = _run(runner, "user", "create", "binh", "--name", "Bình", "--role", "enumerator",
                   "--unit", "ZZZ", "--password-stdin", input="y" * 12 + "\n")
    assert no_unit.exit_code == 1 and "No unit with code ZZZ" in no_unit.output
    with session_scope(app) as session:
        assert session.scalar(select(func.count()).select_from(User)) == 0


def test_api_key_create_list_revoke(app, runner, units):
    created = _run(runner, "api-key", "create", "--unit", "S01", "--name", "Một cửa")
    assert created.exit_code == 0, created.output
    token = created.output.strip().splitlines()[-1]
    assert token.startswith("hla_")
    with session_scope(app) as session:
        key = credentials.find(session, token, ("api_client",))
        assert key.unit_id == units["S01"]
    listed = _run(runner, "api-key", "list").output
    assert f"{key.id:5} S01" in listed and "active" in listed and token not in listed
    assert _run(runner, "api-key", "revoke", str(key.id)).exit_code == 0
    assert "revoked" in _run(runner, "api-key", "list", "--unit", "C01").output
    assert _run(runner, "api-key", "list", "--unit", "C02").output == ""
    assert _run(runner, "api-key", "revoke", "999").exit_code == 1
