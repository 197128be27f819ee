"""The private link to a person's question list: the printable page, the PDF, and the link's life.

Real SQLite database, real app (TestClient), real PDF bytes read back with a small text extractor.
"""

from __future__ import annotations

import re
import zlib
from datetime import datetime, timedelta, timezone

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from bot.persistence import repository
from bot.persistence.db import session_scope
from bot.persistence.models import QuestionText, ShareLink
from bot.web import question_pdf

SENDER = "+14155550123"  # an SMS person: the sender id is their phone number
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
UNICODE = "Is the caf\u00e9\u2019s \u201cr\u00f6sti\u201d diet OK \u2014 na\u00efve question? \U0001F600 \u2713"


def share(sender: str = SENDER, *texts: str) -> str:
    if texts:
        repository.add_questions(sender, texts)
    return repository.create_share_link(sender)["token"]


# --- reading the text back out of a PDF ------------------------------------------------------


def _streams(pdf: bytes) -> list[bytes]:
    streams = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            streams.append(zlib.decompress(match.group(1)))
        except zlib.error:
            streams.append(match.group(1))
    return streams


def _literal(raw: bytes) -> bytes:
    """A PDF literal string's bytes, escapes resolved."""
    out, i = bytearray(), 0
    escapes = {ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t", ord("b"): b"\b", ord("f"): b"\f"}
    while i < len(raw):
        if raw[i] == 0x5C and i + 1 < len(raw):  # backslash
            nxt = raw[i + 1]
            if nxt in escapes:
                out += escapes[nxt]
                i += 2
            elif 0x30 <= nxt <= 0x37:
                digits = re.match(rb"[0-7]{1,3}", raw[i + 1 : i + 4]).group(0)
                out.append(int(digits, 8) & 0xFF)
                i += 1 + len(digits)
            else:
                out.append(nxt)
                i += 2
        else:
            out.append(raw[i])
            i += 1
    return bytes(out)


def pdf_text(pdf: bytes) -> str:
    """Everything drawn with Tj, decoded through each embedded font's ToUnicode map.

    fpdf2 writes TrueType text as 2-byte glyph ids; the ToUnicode CMaps turn them back into text,
    as a PDF reader's copy-paste or search does. Every map is tried, so text from each font appears.
    """
    streams = _streams(pdf)
    cmaps = []
    for stream in streams:
        if b"beginbfchar" in stream:
            pairs = re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", stream.split(b"endcodespacerange", 1)[-1])
            cmaps.append({int(src, 16): bytes.fromhex(dst.decode()).decode("utf-16-be") for src, dst in pairs})
    shown = [
        _literal(m.group(1))
        for stream in streams
        for m in re.finditer(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", stream, re.S)
    ]
    text = []
    for cmap in cmaps:
        for raw in shown:
            text.append("".join(cmap.get(int.from_bytes(raw[i : i + 2], "big"), "") for i in range(0, len(raw) - 1, 2)))
    return " ".join(text)


def squashed(text: str) -> str:
    """Without whitespace: the PDF wraps long questions onto several lines."""
    return re.sub(r"\s+", "", text)


# --- the repository (on SQLite and on PostgreSQL: expiry compares stored times with "now") ------


@pytest.mark.usefixtures("database_url")
def test_a_link_shows_the_current_list_and_keeps_only_the_tokens_hash() -> None:
    link = repository.create_share_link(SENDER)
    token = link["token"]
    assert len(token) >= 40 and re.fullmatch(r"[A-Za-z0-9_-]+", token)
    with session_scope() as session:
        row = session.scalars(select(ShareLink)).one()
        assert row.token_hash != token and len(row.token_hash) == 64
    assert repository.shared_questions(token)["questions"] == []
    repository.add_questions(SENDER, ["Is it curable?"])  # added after sharing
    assert [q["text"] for q in repository.shared_questions(token)["questions"]] == ["Is it curable?"]
    assert "sender_id" not in repository.shared_questions(token)


@pytest.mark.usefixtures("database_url")
def test_links_expire_after_30_days_and_expired_ones_are_pruned() -> None:
    token = repository.create_share_link(SENDER)["token"]
    now = datetime.now(timezone.utc)
    assert repository.shared_questions(token, now + timedelta(days=29)) is not None
    assert repository.shared_questions(token, now + timedelta(days=30, minutes=1)) is None
    assert repository.shared_questions("not-a-token-at-all-xxxxxxxxxx") is None

    short = repository.create_share_link(SENDER, lifetime=timedelta(seconds=-1))["token"]
    assert repository.shared_questions(short) is None
    repository.create_share_link(SENDER)  # prunes the expired one
    with session_scope() as session:
        assert session.scalar(select(func.count()).select_from(ShareLink)) == 2


@pytest.mark.usefixtures("database_url")
def test_every_link_is_different() -> None:
    assert len({repository.create_share_link(SENDER)["token"] for _ in range(20)}) == 20


@pytest.mark.usefixtures("database_url")
def test_deleting_a_persons_data_kills_their_links_and_texted_log() -> None:
    token = share(SENDER, "Is it curable?")
    other = share("someone-else", "Theirs")
    repository.record_question_text(SENDER)
    deleted = repository.erase_person(SENDER)
    assert deleted["share_links"] == 1 and deleted["question_texts"] == 1
    assert repository.shared_questions(token) is None
    assert repository.shared_questions(other) is not None
    assert repository.count_question_texts(SENDER, datetime.now(timezone.utc) - timedelta(days=1)) == 0
    with session_scope() as session:
        assert session.scalar(select(func.count()).select_from(QuestionText)) == 0


def test_delete_api_erases_the_links_too(client: TestClient, auth: dict[str, str]) -> None:
    token = share(SENDER, "Is it curable?")
    assert client.get(f"/my-questions/{token}").status_code == 200
    response = client.delete(f"/api/conversations/{SENDER}", headers=auth)
    assert response.status_code == 200 and response.json()["deleted"]["share_links"] == 1
    assert client.get(f"/my-questions/{token}").status_code == 404
    assert client.get(f"/my-questions/{token}.pdf").status_code == 404


@pytest.mark.usefixtures("database")
def test_texts_are_counted_per_conversation_and_day() -> None:
    repository.record_question_text(SENDER)
    repository.record_question_text(SENDER)
    repository.record_question_text("someone-else")
    since = datetime.now(timezone.utc) - timedelta(days=1)
    assert repository.count_question_texts(SENDER, since) == 2
    assert repository.count_question_texts(SENDER, datetime.now(timezone.utc) + timedelta(minutes=1)) == 0


# --- the printable page ----------------------------------------------------------------------


def test_the_page_is_a_clean_printable_list(client: TestClient) -> None:
    token = share(SENDER, "Is it curable?", "How long is recovery?")
    response = client.get(f"/my-questions/{token}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "<h1>Questions for my appointment</h1>" in page
    assert re.search(r"<li>\s*<p>Is it curable\?</p>.*<li>\s*<p>How long is recovery\?</p>", page, re.S)
    assert "Bring this to your appointment" in page
    assert re.search(r'class="date">[A-Z][a-z]+ \d{1,2}, \d{4}<', page)
    assert 'id="print-button"' in page and f'href="{token}.pdf"' in page
    assert "/my-questions/static/print.css" in page and "@media print" in client.get(
        "/my-questions/static/print.css"
    ).text
    assert "window.print()" in client.get("/my-questions/static/print.js").text
    # No bot chrome, and nothing that identifies the person.
    assert "webchat" not in page.lower() and "Talk to a person" not in page
    assert SENDER not in page and "4155550123" not in page


def test_the_page_is_private_uncached_and_allows_no_inline_script(client: TestClient) -> None:
    headers = client.get(f"/my-questions/{share(SENDER, 'Q?')}").headers
    assert headers["cache-control"] == "no-store"
    assert headers["referrer-policy"] == "no-referrer"  # the token must not leak to other sites
    assert "noindex" in headers["x-robots-tag"]
    csp = headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "default-src 'none'" in csp


def test_questions_are_shown_as_text_never_as_html(client: TestClient) -> None:
    page = client.get(f"/my-questions/{share(SENDER, XSS)}").text
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in page


def test_the_page_shows_edits_made_after_sharing(client: TestClient) -> None:
    token = share(SENDER, "Is it curable?", "How long is recovery?")
    repository.edit_question(SENDER, 1, "Is it curable at stage 2?")
    repository.remove_question(SENDER, 2)
    repository.add_questions(SENDER, ["Can I keep working?"])
    page = client.get(f"/my-questions/{token}").text
    assert "Is it curable at stage 2?" in page and "Can I keep working?" in page
    assert "How long is recovery?" not in page


def test_an_empty_list_says_so_kindly(client: TestClient) -> None:
    page = client.get(f"/my-questions/{share(SENDER)}").text
    assert "No questions saved yet" in page


def test_unicode_questions_show_on_the_page(client: TestClient) -> None:
    assert UNICODE in client.get(f"/my-questions/{share(SENDER, UNICODE)}").text


@pytest.mark.parametrize(
    "path",
    [
        "/my-questions/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",  # well-formed, never issued
        "/my-questions/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.pdf",
        "/my-questions/short",
        "/my-questions/short.pdf",
        "/my-questions/%3Cscript%3E",
        "/my-questions/" + "A" * 300,
        "/my-questions/static",
    ],
)
def test_unknown_links_get_a_friendly_404_page(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "This link doesn't work anymore" in response.text and "print my list" in response.text
    assert "<script>" not in response.text


def test_an_expired_link_gets_the_same_404(client: TestClient) -> None:
    repository.add_questions(SENDER, ["Is it curable?"])
    token = repository.create_share_link(SENDER, lifetime=timedelta(seconds=-1))["token"]
    assert client.get(f"/my-questions/{token}").status_code == 404
    assert client.get(f"/my-questions/{token}.pdf").status_code == 404


def test_the_share_routes_are_documented_without_the_staff_token(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "/my-questions/{token}" in paths and "/my-questions/{token}.pdf" in paths


# --- the PDF ---------------------------------------------------------------------------------


def test_the_pdf_is_a_real_pdf_of_the_current_list(client: TestClient) -> None:
    token = share(SENDER, "Is it curable?", "How long is recovery?")
    repository.add_questions(SENDER, ["Can I keep working during treatment?"])
    response = client.get(f"/my-questions/{token}.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert "questions-for-my-appointment.pdf" in response.headers["content-disposition"]
    assert response.headers["cache-control"] == "no-store"
    pdf = response.content
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    text = squashed(pdf_text(pdf))
    for expected in ("Questions for my appointment", "1.", "Is it curable?", "How long is recovery?",
                     "Can I keep working during treatment?", "Bring this to your appointment"):  # fmt: skip
        assert squashed(expected) in text, expected
    assert SENDER not in text and SENDER.encode() not in pdf


def test_unicode_and_markup_do_not_break_the_pdf(client: TestClient) -> None:
    long_one = "What happens if the treatment does not work, and what would the next options be? " * 6
    token = share(SENDER, UNICODE, XSS, "日本語の質問", long_one, *[f"Question {n}?" for n in range(40)])
    response = client.get(f"/my-questions/{token}.pdf")
    assert response.status_code == 200
    text = squashed(pdf_text(response.content))
    assert squashed(UNICODE) in text  # accents, curly quotes, dash, emoji: DejaVu Sans has them
    assert squashed(XSS) in text  # just text in a PDF
    assert "???" in text  # characters the font lacks become "?" instead of failing
    assert squashed(long_one) in text and "Question39?" in text
    assert response.content.count(b"/Type /Page\n") >= 2 or response.content.count(b"/Type /Page") >= 3


def test_without_dejavu_the_pdf_falls_back_to_latin1(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(question_pdf, "find_fonts", lambda: None)
    pdf = question_pdf.build_pdf([{"text": UNICODE}, {"text": "Plain café question"}], datetime(2026, 1, 2).date())
    assert pdf.startswith(b"%PDF-")
    assert b"Plain caf\\351 question" in b"".join(_streams(pdf)) or b"Plain caf\xe9 question" in b"".join(_streams(pdf))


def test_dejavu_is_found_in_the_project_environment() -> None:
    fonts = question_pdf.find_fonts()
    assert fonts is not None and ord("é") in fonts.glyphs and ord("“") in fonts.glyphs
