"""`sales-inbox user create|list|delete` as an operator runs them."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from entrypoints.cli.main import cli

pytestmark = pytest.mark.integration


def user(*args: str, stdin: str | None = None):
    return CliRunner().invoke(cli, ["user", *args], input=stdin, catch_exceptions=False)


def test_an_operator_creates_lists_and_deletes_users(env):
    assert "no users yet" in user("list").output
    assert user("create", "anna", "--password-stdin", stdin="correct horse battery\n").exit_code == 0
    assert user("create", "janis", "--password-stdin", stdin="another long secret\n").exit_code == 0
    assert user("list").output.split() == ["anna", "janis"]

    deleted = user("delete", "anna")
    assert deleted.exit_code == 0 and "sessions are ended" in deleted.output
    assert user("list").output.split() == ["janis"]


def test_deleting_a_user_who_does_not_exist_says_so(env):
    missing = CliRunner().invoke(cli, ["user", "delete", "nobody"])
    assert missing.exit_code != 0 and "no user 'nobody'" in missing.output
