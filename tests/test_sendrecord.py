"""The send record's phases: written ahead of each call, and the files every version reads."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from copro_news import sendrecord
from copro_news.sendrecord import Call, Phase, RecordState

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
LATER = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def record() -> sendrecord.SendRecord:
    return sendrecord.new_record("2026-12", "mailchimp", "L1", NOW)


def uploaded() -> sendrecord.SendRecord:
    rec = record()
    rec.request(Call.CREATE)
    rec.mark_created("c1", "Team update")
    rec.request(Call.CONTENT)
    rec.mark_content_set("h1")
    return rec


def test_the_phases_are_the_words_in_every_send_json_ever_written():
    assert [p.value for p in Phase] == [
        "new",
        "create_requested",
        "created",
        "content_requested",
        "content_set",
        "test_requested",
        "tested",
        "send_requested",
        "schedule_requested",
        "unschedule_requested",
        "sent",
        "scheduled",
    ]
    assert [s.value for s in RecordState] == ["drafted", "tested", "scheduled", "sent"]


def test_each_call_is_written_ahead_and_known_to_be_in_flight():
    rec = record()
    assert rec.in_flight is None
    for call in Call:
        rec.phase = Phase.CONTENT_SET
        rec.request(call, when=LATER)
        assert rec.in_flight is call
        assert rec.phase.endswith("_requested")  # the words stay what older records hold
        assert rec.resumable == (call in (Call.SEND, Call.SCHEDULE))


def test_a_send_refused_for_sure_goes_back_to_where_it_was():
    rec = uploaded()
    before = rec.request(Call.SCHEDULE, when=LATER)
    assert rec.scheduled_for == "2026-12-01T09:00:00+00:00"
    assert rec.committed and rec.state == RecordState.DRAFTED  # may be scheduled: not yet
    rec.withdraw(before)
    assert (rec.phase, rec.scheduled_for, rec.in_flight) == (Phase.CONTENT_SET, None, None)


def test_after_a_lost_answer_a_refusal_goes_back_to_content_set():
    rec = uploaded()
    rec.request(Call.SEND)  # the answer never came: the next run resumes
    before = rec.request(Call.SEND)
    assert before == Phase.CONTENT_SET
    rec.mark_sent(LATER)
    assert rec.state == RecordState.SENT and rec.sent_at == "2026-12-01T09:00:00+00:00"
    assert rec.in_flight is None and rec.committed


def test_a_test_is_listed_before_it_is_sent():
    rec = uploaded()
    test = rec.request_test(NOW, ["a@example.org"], "h1")
    assert rec.tests == [test] and test.outcome == "unknown"
    assert rec.state == RecordState.DRAFTED  # not confirmed yet
    rec.drop_test(test, maybe_sent=True)  # the answer was lost: kept, not confirmed
    assert rec.tests == [test] and rec.phase == Phase.CONTENT_SET
    second = rec.request_test(NOW, ["a@example.org"], "h1")
    rec.drop_test(second, maybe_sent=False)  # refused: forgotten
    assert rec.tests == [test]
    third = rec.request_test(NOW, ["b@example.org"], "h1")
    rec.mark_tested(third)
    assert rec.state == RecordState.TESTED and rec.last_test is third


def test_schedule_and_take_it_back():
    rec = uploaded()
    rec.request(Call.SCHEDULE, when=LATER)
    rec.mark_scheduled(LATER)
    assert rec.state == RecordState.SCHEDULED
    rec.request(Call.UNSCHEDULE)
    rec.mark_scheduled()  # the provider still has it scheduled: the time stays
    assert rec.state == RecordState.SCHEDULED and rec.scheduled_for
    rec.mark_unscheduled()
    assert (rec.state, rec.phase, rec.scheduled_for) == (
        RecordState.DRAFTED,
        Phase.CONTENT_SET,
        None,
    )


def test_a_campaign_found_by_its_marker_is_taken_over():
    rec = record()
    rec.request(Call.CREATE)  # the answer was lost; the campaign exists after all
    rec.adopt("c9", "Team update")
    assert (rec.campaign_id, rec.phase, rec.content_hash) == ("c9", Phase.CREATED, None)
    rec.forget_campaign()  # deleted at the provider
    assert (rec.campaign_id, rec.phase) == (None, Phase.NEW)


def test_the_sources_of_the_content_the_record_still_refers_to():
    rec = uploaded()
    rec.note_sources("h1", "s1")
    test = rec.request_test(NOW, ["a@example.org"], "h1")
    rec.mark_tested(test)
    rec.request(Call.CONTENT)
    rec.mark_content_set("h2")
    rec.note_sources("h2", "s2")
    assert rec.source_hashes == {"h1": "s1", "h2": "s2"}  # h1: the last test's content
    rec.tests.clear()
    rec.note_sources("h2", "s3")  # the same content from other files
    assert rec.source_hashes == {"h2": "s3"}
    assert rec.sources_of("h2") == "s3" and rec.sources_of("h1") is None
    assert rec.sources_of(None) is None


def test_a_new_record_reads_as_older_copro_news_expects(tmp_path):
    rec = uploaded()
    test = rec.request_test(NOW, ["a@example.org"], "h1")
    rec.mark_tested(test)
    rec.note_sources("h1", "s1")
    sendrecord.save(tmp_path, rec, NOW)
    doc = json.loads((tmp_path / "send.json").read_text())
    assert (doc["phase"], doc["state"], doc["source_hashes"]) == ("tested", "tested", {"h1": "s1"})
    # Older copro-news skips unknown fields at the top, but refuses them in a test.
    assert set(doc["tests"][0]) == {"at", "addresses", "content_hash", "outcome"}


def test_an_older_record_loads(tmp_path):
    (tmp_path / "send.json").write_text(
        json.dumps(
            {
                "issue": "2026-12",
                "provider": "outbox",
                "list_id": "outbox",
                "marker": "cn:2026-12:abc123",
                "started_at": "2026-11-24T09:30:00+00:00",
                "campaign_id": "2026-12-1a2b3c4d",
                "phase": "send_requested",
                "content_hash": "h1",
                "tests": [{"at": "t", "addresses": ["a@b.org"], "content_hash": "h1"}],
                "state": "tested",
                "version": 1,
            }
        )
    )
    rec = sendrecord.load(tmp_path)
    assert rec is not None
    assert rec.phase is Phase.SEND_REQUESTED and rec.in_flight is Call.SEND and rec.resumable
    assert rec.state == RecordState.TESTED and rec.source_hashes == {}


@pytest.mark.parametrize("damaged", [[], "x", {"h1": 5}])
def test_a_damaged_sources_map_is_only_forgotten(tmp_path, damaged):
    rec = uploaded()
    sendrecord.save(tmp_path, rec, NOW)
    doc = json.loads((tmp_path / "send.json").read_text())
    doc["source_hashes"] = damaged
    (tmp_path / "send.json").write_text(json.dumps(doc))
    loaded = sendrecord.load(tmp_path)
    assert loaded is not None and loaded.source_hashes == {}
    assert loaded.content_hash == "h1"
