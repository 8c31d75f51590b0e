"""`safetyops users` and `safetyops audit list` through the real CLI on a real user store."""
from __future__ import annotations

import io
import json
import sys

import pytest

from dashboards.auth import store
from safetyops.cli import main


def run(config_file, *args, stdin: str | None = None, capsys=None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(["--config", str(config_file), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_users_add_list_passwd_token_remove(config_file, config, capsys, monkeypatch):
    kw = dict(capsys=capsys, monkeypatch=monkeypatch)
    code, out, _ = run(config_file, "users", "add", "ana", "--role", "analyst", "--password-stdin",
                       stdin="a long enough secret\n", **kw)
    assert code == 0 and "added ana (analyst)" in out
    code, _, err = run(config_file, "users", "add", "acme1", "--role", "vendor", "--password-stdin",
                       stdin="a long enough secret\n", **kw)
    assert code == 2 and "--vendor" in err
    assert run(config_file, "users", "add", "acme1", "--role", "vendor", "--vendor", "acme", "--password-stdin",
               stdin="a long enough secret\n", **kw)[0] == 0
    code, _, err = run(config_file, "users", "add", "ana", "--role", "lead", "--password-stdin",
                       stdin="a long enough secret\n", **kw)
    assert code == 2 and "already exists" in err
    code, _, err = run(config_file, "users", "add", "bo", "--role", "lead", "--password-stdin", stdin="short\n", **kw)
    assert code == 2 and "10 to 1024 characters" in err
    code, out, _ = run(config_file, "users", "list", "--format", "json", **kw)
    assert [(u["name"], u["role"], u["vendor"]) for u in json.loads(out)] == \
        [("acme1", "vendor", "acme"), ("ana", "analyst", None)]

    path = store.users_path(config)
    code, out, _ = run(config_file, "users", "token", "ana", **kw)
    token = out.strip().splitlines()[-1]
    assert code == 0 and store.user_for_token(path, token).name == "ana"
    _, out2, _ = run(config_file, "users", "token", "ana", **kw)
    assert store.user_for_token(path, token) is None          # a new token replaces the old one
    assert store.user_for_token(path, out2.strip().splitlines()[-1]).name == "ana"

    assert run(config_file, "users", "passwd", "ana", "--password-stdin", stdin="another long secret\n", **kw)[0] == 0
    assert store.verify_password(path, "ana", "a long enough secret") is None
    assert store.verify_password(path, "ana", "another long secret").role == "analyst"
    assert run(config_file, "users", "remove", "ana", **kw)[0] == 0
    code, _, err = run(config_file, "users", "remove", "ana", **kw)
    assert code == 2 and "no user named 'ana'" in err

    code, out, _ = run(config_file, "audit", "list", "--format", "json", **kw)
    actions = [e["action"] for e in json.loads(out)]
    assert actions == ["user_remove", "user_passwd", "token_new", "token_new", "user_add", "user_add"]
    assert token not in out


@pytest.mark.parametrize("name", ["", "a b", "../x", "x" * 65, ".lead"])
def test_bad_user_names_are_refused(config_file, capsys, monkeypatch, name):
    code, _, err = run(config_file, "users", "add", name, "--role", "lead", "--password-stdin",
                       stdin="a long enough secret\n", capsys=capsys, monkeypatch=monkeypatch)
    assert code == 2 and "user name" in err


def test_password_must_come_on_stdin(config_file, capsys, monkeypatch):
    code, _, err = run(config_file, "users", "add", "ana", "--role", "lead", capsys=capsys, monkeypatch=monkeypatch)
    assert code == 2 and "--password-stdin" in err
