"""SQLAlchemy models for everything the advocate stores about a person.

Every person row is keyed by ``sender_id``: the *keyed hash* of the Rasa sender id (the channel
identity: a browser session, a phone number, a Slack user; ``bot.security.hashing``), so saved work
comes back in later conversations on the same channel and "delete my data" can erase it all in one
place, while a copy of the database does not say whose rows are whose.

Columns marked *sealed* hold AES-GCM ciphertext under the person's own key
(``bot.security.crypto``; JSON values are sealed as their JSON text), which is why they are
``Text``: only ``bot.persistence`` (which seals and opens them) reads or writes these tables.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import JSON, Boolean, Column, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Conversation(Base):
    """One person on one channel identity, with the case facts learnt so far."""

    __tablename__ = "conversations"

    sender_id = Column(String(255), primary_key=True)
    channel = Column(String(64), nullable=True)
    condition = Column(Text, nullable=True)  # sealed
    condition_category = Column(Text, nullable=True)  # sealed
    treatment = Column(Text, nullable=True)  # sealed
    treatment_category = Column(Text, nullable=True)  # sealed
    created_at = Column(DateTime(timezone=True), default=utcnow, nullable=False)
    updated_at = Column(DateTime(timezone=True), default=utcnow, onupdate=utcnow, nullable=False)


class Assessment(Base):
    """A finished second-opinion assessment: the answers, the recommendation and its reasons."""

    __tablename__ = "assessments"

    id = Column(Integer, primary_key=True, autoincrement=True)
    sender_id = Column(String(255), index=True, nullable=False)
    answers = Column(Text, nullable=False)  # sealed JSON object
    recommendation = Column(String(32), nullable=False)
    reasons = Column(Text, nullable=False)  # sealed JSON list
    created_at = Column(DateTime(timezone=True), default=utcnow, nullable=False)


class Question(Base):
    """A question the person wants to ask at their appointment, in the order they added it."""

    __tablename__ = "questions"

    id = Column(Integer, primary_key=True, autoincrement=True)
    sender_id = Column(String(255), index=True, nullable=False)
    text = Column(Text, nullable=False)  # sealed
    source = Column(String(64), nullable=False, default="person")
    created_at = Column(DateTime(timezone=True), default=utcnow, nullable=False)
    updated_at = Column(DateTime(timezone=True), default=utcnow, onupdate=utcnow, nullable=False)


class RecordsRequest(Base):
    """A HIPAA right-of-access request the bot wrote, kept so the person can follow it up."""

    __tablename__ = "records_requests"

    id = Column(Integer, primary_key=True, autoincrement=True)
    sender_id = Column(String(255), index=True, nullable=False)
    # All sealed (record_types as a JSON list): the letter names the patient, their birth date and doctor.
    provider = Column(Text, nullable=False)
    record_types = Column(Text, nullable=False)
    date_range = Column(Text, nullable=True)
    record_format = Column(Text, nullable=True)
    delivery = Column(Text, nullable=True)
    patient_name = Column(Text, nullable=True)
    date_of_birth = Column(Text, nullable=True)
    letter = Column(Text, nullable=False)
    status = Column(String(32), nullable=False, default="drafted")
    created_at = Column(DateTime(timezone=True), default=utcnow, nullable=False)
    updated_at = Column(DateTime(timezone=True), default=utcnow, onupdate=utcnow, nullable=False)


class Handoff(Base):
    """A request for a human advocate, with the case summary the advocate needs to start."""

    __tablename__ = "handoffs"

    id = Column(Integer, primary_key=True, autoincrement=True)
    sender_id = Column(String(255), index=True, nullable=False)
    # The real sender id, sealed: the console shows it, the API lists it, replies are delivered to it.
    sender = Column(Text, nullable=True)
    channel = Column(String(64), nullable=True)
    reason = Column(String(64), nullable=False)
    summary = Column(Text, nullable=False)  # sealed JSON object
    status = Column(String(16), nullable=False, default="open", index=True)
    created_at = Column(DateTime(timezone=True), default=utcnow, nullable=False)
    closed_at = Column(DateTime(timezone=True), nullable=True)
    messages = relationship(
        "HandoffMessage", back_populates="handoff", cascade="all, delete-orphan", order_by="HandoffMessage.id"
    )


class HandoffMessage(Base):
    """A message an advocate sent during a handoff (the person's side lives in the tracker)."""

    __tablename__ = "handoff_messages"

    id = Column(Integer, primary_key=True, autoincrement=True)
    handoff_id = Column(Integer, ForeignKey("handoffs.id", ondelete="CASCADE"), index=True, nullable=False)
    author = Column(String(255), nullable=False)
    text = Column(Text, nullable=False)  # sealed with the key of the person the hand-off is for
    created_at = Column(DateTime(timezone=True), default=utcnow, nullable=False)
    handoff = relationship("Handoff", back_populates="messages")


# --- human advocates (issue 4): accounts, console sessions, audit log -----------------------


class Advocate(Base):
    """A human patient advocate who signs in to the console (created with ``python -m bot.advocates``).

    Accounts are disabled, never deleted, so the audit log keeps pointing at who did what.
    """

    __tablename__ = "advocates"

    id = Column(Integer, primary_key=True, autoincrement=True)
    email = Column(String(255), unique=True, nullable=False)
    name = Column(String(255), nullable=False)
    password_hash = Column(String(255), nullable=False)
    active = Column(Boolean, nullable=False, default=True)
    created_at = Column(DateTime(timezone=True), default=utcnow, nullable=False)
    disabled_at = Column(DateTime(timezone=True), nullable=True)
    # The TOTP second factor's secret, AES-GCM-encrypted (bot.advocates.totp); None: password only.
    totp_secret = Column(Text, nullable=True)


class AdvocateSession(Base):
    """One signed-in console session; the cookie holds a random token, only its SHA-256 is stored.

    ``last_seen_at`` says who is online, which decides what a person handed over is told.
    """

    __tablename__ = "advocate_sessions"

    id = Column(Integer, primary_key=True, autoincrement=True)
    advocate_id = Column(Integer, ForeignKey("advocates.id", ondelete="CASCADE"), index=True, nullable=False)
    token_hash = Column(String(64), unique=True, nullable=False)
    csrf_token = Column(String(64), nullable=False)
    created_at = Column(DateTime(timezone=True), default=utcnow, nullable=False)
    expires_at = Column(DateTime(timezone=True), nullable=False)
    last_seen_at = Column(DateTime(timezone=True), default=utcnow, nullable=False, index=True)
    ended_at = Column(DateTime(timezone=True), nullable=True)


class AuditEntry(Base):
    """Who did what when: every staff read or change of a person's data, every sign-in and key change.

    Append-only and hash-chained (bot.persistence.audit): ``entry_hash`` is an HMAC over the
    previous entry's hash and this entry's canonical content, so an edited, removed or inserted
    row breaks the chain, and database triggers refuse UPDATE and DELETE. ``handoff_id`` has no
    foreign key on purpose: the log outlives a person's "delete my data", and holds no words of
    theirs (``subject`` is a keyed hash of the conversation id; the detail names ids, never texts).
    """

    __tablename__ = "audit_log"

    id = Column(Integer, primary_key=True, autoincrement=True)
    advocate_id = Column(Integer, ForeignKey("advocates.id", ondelete="SET NULL"), index=True, nullable=True)
    api_key_id = Column(Integer, nullable=True)
    actor = Column(String(255), nullable=False)
    action = Column(String(32), nullable=False)
    handoff_id = Column(Integer, index=True, nullable=True)
    subject = Column(String(64), index=True, nullable=True)
    detail = Column(JSON, nullable=False, default=dict)
    created_at = Column(DateTime(timezone=True), default=utcnow, nullable=False, index=True)
    prev_hash = Column(String(64), nullable=False)
    entry_hash = Column(String(64), nullable=False)


class AuditHead(Base):
    """The chain's one head row: the last entry's id and hash.

    Appending updates this row first, which serialises writers on SQLite (the write lock) and on
    PostgreSQL (the row lock) alike; and a log cut short at its end no longer matches its head.
    """

    __tablename__ = "audit_head"

    id = Column(Integer, primary_key=True)
    last_id = Column(Integer, nullable=False, default=0)
    last_hash = Column(String(64), nullable=False)


class ApiKey(Base):
    """A named, revocable key for the JSON API (``make api-key NAME=...``); only its SHA-256 is stored."""

    __tablename__ = "api_keys"

    id = Column(Integer, primary_key=True, autoincrement=True)
    name = Column(String(255), nullable=False)
    key_hash = Column(String(64), unique=True, nullable=False)
    # The key's first characters, shown in listings so a key can be told apart without revealing it.
    prefix = Column(String(16), nullable=False)
    created_at = Column(DateTime(timezone=True), default=utcnow, nullable=False)
    last_used_at = Column(DateTime(timezone=True), nullable=True)
    revoked_at = Column(DateTime(timezone=True), nullable=True)


class LoginFailure(Base):
    """One failed console sign-in, counted per client address and per account to slow guessing.

    ``key_hash`` is a keyed hash of the address or the e-mail typed, never the value itself. Rows
    older than the throttling window are pruned as new failures come in.
    """

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_lookup", "scope", "key_hash", "failed_at"),)

    id = Column(Integer, primary_key=True, autoincrement=True)
    scope = Column(String(16), nullable=False)
    key_hash = Column(String(64), nullable=False)
    failed_at = Column(DateTime(timezone=True), default=utcnow, nullable=False)


class SmsOptOut(Base):
    """A phone number that texted STOP: nothing is sent to it until it texts START.

    Kept apart from the person's case data: it is a carrier-compliance record that must outlive a
    conversation, and the SMS channel checks it before every message it sends. ``sender_id`` is
    the keyed hash of the sender id (the number), so the table is not a list of phone numbers.
    """

    __tablename__ = "sms_opt_outs"

    sender_id = Column(String(255), primary_key=True)
    keyword = Column(String(32), nullable=False)
    opted_out_at = Column(DateTime(timezone=True), default=utcnow, nullable=False)


# --- sharing the question list (print / PDF / text message) ----------------------------------


class ShareLink(Base):
    """A private link to the person's printable question list: ``/my-questions/<token>``.

    The link must work on any phone without signing in, yet never reveal who it belongs to (for
    SMS the sender id is a phone number), so the URL carries a random token and only the token's
    SHA-256 is stored: a database reader cannot rebuild live links (32 random bytes: a plain hash
is as good as a keyed one here). It expires (about 30 days) and
    always shows the *current* list, read through ``sender_id`` at request time. Erased with the
    person's data.
    """

    __tablename__ = "share_links"

    id = Column(Integer, primary_key=True, autoincrement=True)
    token_hash = Column(String(64), unique=True, nullable=False)
    sender_id = Column(String(255), index=True, nullable=False)
    created_at = Column(DateTime(timezone=True), default=utcnow, nullable=False)
    expires_at = Column(DateTime(timezone=True), nullable=False)


class QuestionText(Base):
    """One "text my questions to this number" that was sent, to cap how often a conversation can.

    Without a cap, anyone on the website could make our Twilio number text any phone. The number
    itself is deliberately not stored (it is needed only for the one send); erased with the person.
    """

    __tablename__ = "question_texts"

    id = Column(Integer, primary_key=True, autoincrement=True)
    sender_id = Column(String(255), index=True, nullable=False)
    sent_at = Column(DateTime(timezone=True), default=utcnow, nullable=False)


# --- abuse limits (issue 12) -----------------------------------------------------------------


class LimitCounter(Base):
    """How much of one limit is used in one time window: texts to a number today, hand-offs this hour.

    ``subject`` is a keyed hash (``bot.security.hashing``) of the phone number or the person, or "all"
    for a service-wide cap; no number or id is stored. One row per (scope, subject, period), so a single
    conditional UPDATE can take a unit without overshooting, whatever runs at the same time. Rows
    are deleted once their window is over (``expires_at``).
    """

    __tablename__ = "limit_counters"
    __table_args__ = (UniqueConstraint("scope", "subject", "period", name="uq_limit_counters_scope_subject_period"),)

    id = Column(Integer, primary_key=True, autoincrement=True)
    scope = Column(String(32), nullable=False)
    subject = Column(String(64), nullable=False)
    period = Column(String(16), nullable=False)
    used = Column(Integer, nullable=False, default=0)
    expires_at = Column(DateTime(timezone=True), nullable=False, index=True)


# --- the review loop (issue 11): messages the bot did not understand ---------------------------


class UnclearMessage(Base):
    """A message that fell back or was asked "did you mean", kept for advocates to label.

    The text is de-identified before it is stored (``bot.understanding.deidentify``) and still
    sealed with the person's key: what someone wrote about their health stays health information,
    and "delete my data" must reach it. The readings and the label are sealed too (an intent name
    like ``crisis_self_harm`` says what the message was about, which is why 0007 emptied Rasa's
    ``intent_name``). ``channel`` is the kind of channel (sms, slack, web, rest), never the id.
    A row labelled with no ``label`` is one an advocate marked "not for training".
    """

    __tablename__ = "unclear_messages"

    id = Column(Integer, primary_key=True, autoincrement=True)
    sender_id = Column(String(255), index=True, nullable=False)
    channel = Column(String(16), nullable=False)
    kind = Column(String(16), nullable=False)
    readings = Column(Text, nullable=False)  # sealed JSON list of [intent, confidence]
    text = Column(Text, nullable=False)  # sealed, de-identified
    label = Column(Text, nullable=True)  # sealed intent name; None: unlabelled or not for training
    labelled_by = Column(Integer, ForeignKey("advocates.id", ondelete="SET NULL"), nullable=True)
    labelled_at = Column(DateTime(timezone=True), nullable=True, index=True)
    exported_at = Column(DateTime(timezone=True), nullable=True)
    created_at = Column(DateTime(timezone=True), default=utcnow, nullable=False, index=True)


# --- nothing acknowledged is lost (issue 15): the channels' durable inbox and outbox ------------


class InboxMessage(Base):
    """An SMS or Slack message written before its webhook was answered, until its turn is handled.

    A message is acknowledged to Twilio or Slack only once this row is committed, so a process that
    dies mid-turn leaves a row another instance resumes (``bot.persistence.inbox``). ``message_key``
    is the channel's delivery id (the dedupe key: ``twilio:<MessageSid>``, ``slack:event:<id>``),
    unique so a repeated delivery is recognised on any instance after any restart. The sender's
    conversation id (an SMS id holds the phone number), the text and the channel's metadata are
    sealed with the person's key, and emptied once the turn is done; the row then only remembers
    the key (for repeats) until it is pruned. ``claimed_by`` names the claim (instance and a
    sequence number) and ``lease_until`` how long it holds without being renewed.
    """

    __tablename__ = "inbox_messages"
    __table_args__ = (UniqueConstraint("channel", "message_key", name="uq_inbox_messages_channel_message_key"),)

    id = Column(Integer, primary_key=True, autoincrement=True)
    channel = Column(String(16), nullable=False)
    message_key = Column(String(255), nullable=True)
    sender_id = Column(String(255), index=True, nullable=False)
    sender = Column(Text, nullable=True)  # sealed; None once done
    text = Column(Text, nullable=True)  # sealed; None once done
    meta = Column("metadata", Text, nullable=True)  # sealed JSON object; None once done
    received_at = Column(DateTime(timezone=True), default=utcnow, nullable=False)
    claimed_by = Column(String(64), nullable=True)
    lease_until = Column(DateTime(timezone=True), nullable=True)
    claims = Column(Integer, nullable=False, default=0)
    done_at = Column(DateTime(timezone=True), nullable=True, index=True)


class OutboxMessage(Base):
    """An advocate's reply to an SMS or Slack person, written before it is sent, until it is sent.

    One row per advocate message (``message_key`` ``handoff:<message id>``, unique per channel, so a
    repeated delivery request never sends it again). Its parts (SMS messages, Slack paragraphs) go
    out in order; ``parts_sent`` and ``provider_ids`` (Twilio message SIDs, Slack ``channel/ts``,
    space-separated) record what the provider accepted, so a resumed row sends only what is left.
    ``status`` is pending, sent or failed; a failed attempt waits until ``next_attempt_at``
    (exponential back-off). The recipient's conversation id and the text are sealed with the
    person's key and emptied once the row is sent or failed; ``last_error`` holds a code, never text.
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (UniqueConstraint("channel", "message_key", name="uq_outbox_messages_channel_message_key"),)

    id = Column(Integer, primary_key=True, autoincrement=True)
    channel = Column(String(16), nullable=False)
    message_key = Column(String(255), nullable=False)
    sender_id = Column(String(255), index=True, nullable=False)
    recipient = Column(Text, nullable=True)  # sealed; None once sent or failed
    body = Column(Text, nullable=True)  # sealed; None once sent or failed
    status = Column(String(16), nullable=False, default="pending", index=True)
    parts_sent = Column(Integer, nullable=False, default=0)
    provider_ids = Column(Text, nullable=False, default="")
    attempts = Column(Integer, nullable=False, default=0)
    next_attempt_at = Column(DateTime(timezone=True), default=utcnow, nullable=False)
    claimed_by = Column(String(64), nullable=True)
    lease_until = Column(DateTime(timezone=True), nullable=True)
    last_error = Column(String(255), nullable=True)
    created_at = Column(DateTime(timezone=True), default=utcnow, nullable=False)
    finished_at = Column(DateTime(timezone=True), nullable=True, index=True)
