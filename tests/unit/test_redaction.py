"""bot.security.redaction: what is hidden from log lines, and what stays readable."""

from __future__ import annotations

import io
import logging
import sqlite3
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import SQLAlchemyError

from bot.security import redaction


@pytest.fixture
def capture() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A logger writing through a plain handler, with the redacting record factory installed."""
    before = logging.getLogRecordFactory()
    redaction.install()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    logger = logging.getLogger("rasa.core.processor.test")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    try:
        yield logger, stream
    finally:
        logger.removeHandler(handler)
        logging.setLogRecordFactory(before)


@pytest.mark.parametrize(
    ("line", "private"),
    [
        ("Received user message 'My name is Jane Doe' with intent 'inform'", "Jane Doe"),
        ('Received user message "I\'m Jane" with intent inform', "Jane"),
        ("Starting a new session for conversation ID 'sms:+14155550123'.", "4155550123"),
        ("texting +1 (415) 555-0123 now", "555-0123"),
        ("call 415-555-0123", "555-0123"),
        ("call 415.555.0123", "555.0123"),
        ("number 14155550123 done", "14155550123"),
        ("reply to jane.doe+x@example.com", "jane.doe"),
        ("born March 2, 1970", "1970"),
        ("born 2 March 1970", "1970"),
        ("born 1970-03-02", "1970-03-02"),
        ("born 03/02/1970", "03/02/1970"),
        ("link https://advocate.example.org/my-questions/abc", "abc"),
        ("GET /api/conversations/sms:+14155550123/questions", "4155550123"),
        ("token Zm9vYmFy7Q2xLk_pR8vN3aT5yW1cE6uJ9sD0fG4hB2m in the text", "Zm9vYmFy7Q2xLk"),
        ("GET /status?token=abc123secret HTTP/1.1", "abc123secret"),
        ("SlotSet(key: patient_name, value: Jane Doe)", "Jane Doe"),
        ("UserUttered(text: my daughter has lymphoma, intent: inform)", "lymphoma"),
        ("Current slot values: \n\tpatient_name: Jane Doe\n\trequested_slot: None", "Jane Doe"),
        ("Validating extracted slots: {'patient_name': 'Jane Doe'}", "Jane Doe"),
        ('Error: (500, \'Internal Server Error\', b\'{"tracker": {"text": "lymphoma"}}\')', "lymphoma"),
    ],
)
def test_private_text_is_hidden(line: str, private: str) -> None:
    assert private not in redaction.text(line)


@pytest.mark.parametrize(
    "line",
    [
        "Failed to execute custom action 'action_records_request'",
        "Predicted next action 'utter_greet' with confidence 1.00.",
        "Request next slot 'patient_name'",
        "Rasa server is up and running.",
        "Listening on 127.0.0.1:5005 with 4 workers",
        '%s - "%s %s HTTP/%s" %d',
        "GET /api/handoffs/12/messages",
    ],
)
def test_the_programs_own_words_stay_readable(line: str) -> None:
    assert redaction.text(line) == line


def test_structured_records_keep_only_their_event_and_identifiers(capture: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = capture

    logger.debug('{"event": "processor.message.parse", "parse_data_text": "Jane Doe has lymphoma", "count": 3, '
                 '"action_name": "action_records_request"}')  # fmt: skip

    line = stream.getvalue()
    assert "processor.message.parse" in line and "action_records_request" in line and '"count": 3' in line
    assert "Jane" not in line and "lymphoma" not in line


@pytest.mark.parametrize(
    ("args", "private"),
    [
        (({"slots": {"patient_name": "Jane Doe"}},), "Jane"),
        ((["lymphoma"],), "lymphoma"),
        (("Jane Doe",), "Jane"),
        ((b"Jane Doe",), "Jane"),
    ],
)
def test_containers_and_text_passed_as_arguments_are_hidden(
    capture: tuple[logging.Logger, io.StringIO], args: tuple[object, ...], private: str
) -> None:
    logger, stream = capture

    logger.info("tracker %s", *args)

    assert private not in stream.getvalue() and "tracker" in stream.getvalue()


def test_numbers_and_identifiers_passed_as_arguments_stay(capture: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = capture

    logger.info("action %s took %d ms (%.1f%%)", "action_records_request", 12, 3.5)

    assert "action action_records_request took 12 ms (3.5%)" in stream.getvalue()


def test_a_traceback_keeps_its_frames_and_type_but_not_the_message(capture: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = capture

    try:
        try:
            raise KeyError("Jane Doe")
        except KeyError as exc:
            raise ValueError("could not save Jane Doe's answer: lymphoma") from exc
    except ValueError:
        logger.exception("action %s failed", "action_save_question")

    line = stream.getvalue()
    assert "action action_save_question failed" in line
    assert "Traceback (most recent call last)" in line and "test_redaction.py" in line
    assert "KeyError" in line and "ValueError: <message hidden" in line and "direct cause" in line
    assert "Jane" not in line and "lymphoma" not in line


def sqlalchemy_error(hide_parameters: bool) -> SQLAlchemyError:
    engine = create_engine("sqlite://", hide_parameters=hide_parameters)
    with engine.connect() as connection:
        connection.execute(text("CREATE TABLE people (name TEXT UNIQUE)"))
        connection.execute(text("INSERT INTO people VALUES (:name)"), {"name": "Jane Doe"})
        try:
            connection.execute(text("INSERT INTO people VALUES (:name)"), {"name": "Jane Doe"})
        except SQLAlchemyError as exc:
            return exc
    raise AssertionError("the second insert must fail")


@pytest.mark.parametrize("hide_parameters", [True, False])
def test_database_errors_lose_their_bound_values_but_keep_the_statement(hide_parameters: bool) -> None:
    described = redaction.describe_exception(sqlalchemy_error(hide_parameters))

    assert "Jane" not in described
    assert "IntegrityError" in described and "UNIQUE constraint failed: people.name" in described
    assert "INSERT INTO people VALUES (?)" in described


def test_a_postgres_detail_line_is_dropped() -> None:
    error = sqlite3.IntegrityError(
        'duplicate key value violates unique constraint "uq_sender"\nDETAIL:  Key (sender_id)=(sms:+14155550123) '
        "already exists."
    )

    described = redaction.describe_exception(error)

    assert "4155550123" not in described and "duplicate key value violates unique constraint" in described


def test_the_filter_cleans_records_made_without_the_factory() -> None:
    args = ("127.0.0.1:5000", "GET", "/my-questions/Zm9vYmFyYmF6cXV4", "1.1", 200)
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 0, '%s - "%s %s HTTP/%s" %d', args, None)

    redaction.RedactingFilter().filter(record)

    assert record.getMessage() == '127.0.0.1:5000 - "GET /my-questions/<hidden> HTTP/1.1" 200'


def test_installing_twice_wraps_the_factory_once() -> None:
    before = logging.getLogRecordFactory()
    try:
        redaction.install()
        once = logging.getLogRecordFactory()
        redaction.install()
        assert logging.getLogRecordFactory() is once
    finally:
        logging.setLogRecordFactory(before)
