"""``tilte-webhooks parse``: in-process for the detail, and once as the installed command."""

from __future__ import annotations

import codecs
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.payloads import SAMPLES, payload_path
from tests.unit.test_seed_samples import EXPECTED, MESSAGE_COUNTS
from tilte_cli.main import main

COMMAND = Path(sys.executable).with_name("tilte-webhooks")
SUBSCRIBE_DATES = [
    "2024-08-07T12:45:49.4657042Z",
    "2024-08-07T12:46:04.5128443Z",
    "2024-08-07T12:46:13.0929985Z",
]


def run(*args: str, stdin: bytes = b"") -> tuple[int, str, str]:
    """The command as a user runs it: exit status, stdout and stderr."""
    done = subprocess.run(
        [str(COMMAND), *args], input=stdin, capture_output=True, timeout=60, check=False
    )
    return done.returncode, done.stdout.decode(), done.stderr.decode()


def test_the_installed_command_prints_the_subscribe_sample_exactly(tmp_path: Path) -> None:
    # Given the Subscribe XML sample, and the same file re-encoded as UTF-16 LE with a BOM
    sample = payload_path("Subscribe", "xml")
    utf16 = tmp_path / "Subscribe-utf16le.xml"
    utf16.write_bytes(codecs.BOM_UTF16_LE + sample.read_text("utf-8").encode("utf-16-le"))

    # When both are parsed by the installed command
    status, output, errors = run("parse", str(sample))
    status16, output16, errors16 = run("parse", str(utf16))

    # Then it prints three events with the exact dates, the same for both files
    assert (status, errors) == (0, "")
    document = json.loads(output)
    assert document["notificationType"] == "Subscribe"
    assert [event["event"]["Date"] for event in document["events"]] == SUBSCRIBE_DATES
    assert (status16, errors16, output16) == (0, "", output)


@pytest.mark.parametrize(("notification_type", "fmt"), SAMPLES)
def test_parse_prints_one_entry_per_message_for_every_sample(
    notification_type: str, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["parse", str(payload_path(notification_type, fmt))]) == 0

    document = json.loads(capsys.readouterr().out)
    assert document["notificationType"] == notification_type
    assert len(document["events"]) == MESSAGE_COUNTS[notification_type]
    assert [entry["event"] for entry in document["events"]] == EXPECTED[notification_type, fmt][1]


def test_parse_reads_standard_input(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    body = payload_path("CampaignSent", "json").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(body)))

    assert main(["parse", "-"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["events"][0]["event"] == {
        "Date": "2024-08-07T15:48:37.3343743Z",
        "RecipientCount": 2,
    }


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"", "error: empty_body: the body is empty"),
        (b"{", "error: malformed_json: the JSON is not well-formed: Expecting property name "
         "enclosed in double quotes: line 1 column 2 (char 1)"),
        (b"<!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>",
         "error: forbidden_xml: the XML declares a DTD, which is refused"),
        (b'{"NotificationType": "Resubscribe"}',
         "error: unknown_notification_type: NotificationType: 'Resubscribe' is not a known "
         "notification type"),
        (b"\x89PNG\r\n\x1a\n", "error: undecodable_body: the body is not UTF-8 or UTF-16 text "
         "(invalid byte 0x89 at offset 0)"),
    ],
)  # fmt: skip
def test_malformed_input_exits_non_zero_with_one_error_line(body: bytes, expected: str) -> None:
    status, output, errors = run("parse", "-", stdin=body)

    assert status == 1
    assert output == ""
    assert errors == expected + "\n"


def test_a_missing_file_is_a_one_line_error(tmp_path: Path) -> None:
    status, output, errors = run("parse", str(tmp_path / "absent.xml"))
    assert (status, output) == (1, "")
    assert (
        errors == f"error: unreadable_file: {tmp_path / 'absent.xml'}: No such file or directory\n"
    )


def test_the_size_limit_can_be_set(capsys: pytest.CaptureFixture[str]) -> None:
    path = payload_path("Subscribe", "json")
    size = path.stat().st_size
    assert main(["parse", "--max-body-bytes", "100", str(path)]) == 1
    assert capsys.readouterr().err == (
        f"error: payload_too_large: the body is {size} bytes, over the limit of 100\n"
    )
