"""`foidesk deadline`: the exact interface other tools rely on (issue: statutory clock)."""

import json
import subprocess
import sys

import pytest

from tests.processes import environment, run


def deadline(*args, tmp_path):
    return run("deadline", *args, env=environment(tmp_path))


def test_the_reference_letter_in_words(tmp_path):
    result = deadline("foi", "2020-01-17", tmp_path=tmp_path)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert "Received Fri 17 Jan 2020 (day 0)" in lines
    assert "Day 1: Mon 20 Jan 2020" in lines
    assert lines[-1] == "Due: Fri 14 Feb 2020 (day 20)"


def test_json_has_regime_received_due_and_steps(tmp_path):
    result = deadline("foi", "2020-01-17", "--json", tmp_path=tmp_path)
    answer = json.loads(result.stdout)
    assert answer["regime"] == "foi"
    assert answer["received"] == "2020-01-17"
    assert answer["due"] == "2020-02-14"
    assert answer["steps"][-1] == "Due: Fri 14 Feb 2020 (day 20)"


def test_extended_gives_the_extended_due_date(tmp_path):
    answer = json.loads(
        deadline("eir", "2020-01-17", "--extended", "--json", tmp_path=tmp_path).stdout
    )
    assert answer["due"] == "2020-03-13"
    assert answer["due_without_extension"] == "2020-02-14"


def test_clarification_and_fees(tmp_path):
    clarified = json.loads(
        deadline(
            "foi", "2020-01-17", "--clarified", "2020-01-27", "--json", tmp_path=tmp_path
        ).stdout
    )
    assert clarified["due"] == "2020-02-24"
    fee = json.loads(
        deadline(
            "foi",
            "2020-01-18",
            "--fee-notice",
            "2020-01-22",
            "--fee-paid",
            "2020-01-28",
            "--json",
            tmp_path=tmp_path,
        ).stdout
    )
    assert fee["due"] == "2020-02-21"


def test_subject_access_follows_the_nation(tmp_path):
    england = json.loads(deadline("sar", "2025-12-02", "--json", tmp_path=tmp_path).stdout)
    scotland = json.loads(
        deadline("sar", "2025-12-02", "--nation", "scotland", "--json", tmp_path=tmp_path).stdout
    )
    assert (england["due"], scotland["due"]) == ("2026-01-02", "2026-01-05")


def test_an_unpaid_fee_leaves_no_due_date(tmp_path):
    answer = json.loads(
        deadline(
            "foi", "2020-01-17", "--fee-notice", "2020-01-22", "--json", tmp_path=tmp_path
        ).stdout
    )
    assert answer["due"] is None
    assert answer["stopped_for"] == "the fee"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["xyz", "2020-01-17"], "unknown regime 'xyz'"),
        (["foi", "2020-02-30"], "2020-02-30 is not a date"),
        (["foi", "17/01/2020"], "17/01/2020 is not a date"),
        (
            ["foi", "2020-01-17", "--fee-notice", "2020-01-25", "--fee-paid", "2020-01-20"],
            "before the fee notice",
        ),
        (["foi", "2020-01-17", "--fee-paid", "2020-01-20"], "--fee-paid needs --fee-notice"),
        (["foi", "2020-01-17", "--clarified", "2020-01-10"], "before the request was received"),
        (["foisa", "2020-01-17", "--extended"], "FOISA allows no extension"),
        (["foi"], "required: RECEIVED"),
        (["foi", "2020-01-17", "--nation", "mars"], "invalid choice: 'mars'"),
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path, args, message):
    result = deadline(*args, tmp_path=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("foidesk deadline: ")
    assert message in result.stderr


def test_the_deadline_command_never_imports_django():
    probe = (
        "import sys\n"
        "from foidesk.cli import main\n"
        "main(['deadline', 'foi', '2020-01-17', '--json'])\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'django', 'holidays'}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.splitlines()[-1] == "[]"
