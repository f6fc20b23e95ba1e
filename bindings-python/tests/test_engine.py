"""sequenza.Engine: a welcome flow end to end with deliver, an abandoned cart (wait for an event
with a timeout), a WhatsApp keyword question with a reply, a CSV import that enrolls, and an
error case per method with its code and location."""

import datetime

import pytest

import sequenza

UTC = datetime.timezone.utc


def at(hour, minute=0, day=7):
    return datetime.datetime(2026, 12, day, hour, minute, tzinfo=UTC)


T0 = at(9)

WELCOME = {
    "id": "welcome",
    "name": "Welcome",
    "status": "active",
    "triggers": [{"type": "event", "event": "signup"}],
    "start": "hello",
    "nodes": [
        {
            "id": "hello",
            "type": "send",
            "channel": "email",
            "content": {"subject": 'Ciao {{ first_name | "amico" }}', "body": "Benvenuta!"},
        },
        {"id": "end", "type": "exit"},
    ],
    "edges": [{"from": "hello", "to": "end"}],
}

CART = {
    "id": "cart",
    "name": "Abandoned cart",
    "status": "active",
    "triggers": [{"type": "event", "event": "cart_abandoned"}],
    "start": "wait-purchase",
    "nodes": [
        {
            "id": "wait-purchase",
            "type": "wait_for",
            "event": {"name": "purchase"},
            "timeout": {"amount": 2, "unit": "hours"},
        },
        {
            "id": "reminder",
            "type": "send",
            "channel": "email",
            "content": {"subject": "Il carrello", "body": "Riprendi: {{ event.cart_url }}"},
        },
        {"id": "recovered", "type": "goal", "name": "recovered"},
        {"id": "end", "type": "exit"},
    ],
    "edges": [
        {"from": "wait-purchase", "to": "recovered", "label": "met"},
        {"from": "wait-purchase", "to": "reminder", "label": "timeout"},
        {"from": "reminder", "to": "end"},
    ],
}

QUESTION = {
    "id": "name-bot",
    "name": "Name bot",
    "status": "active",
    "triggers": [
        {
            "type": "inbound_message",
            "channel": "whatsapp",
            "match": {"kind": "keyword", "keywords": ["CIAO"], "mode": "exact"},
        }
    ],
    "start": "ask-email",
    "nodes": [
        {
            "id": "ask-email",
            "type": "question",
            "channel": "whatsapp",
            "prompt": "La tua e-mail?",
            "answer": {"type": "email"},
            "retries": 1,
            "retry_prompt": "Non sembra un'e-mail. Riprova:",
            "timeout": {"amount": 1, "unit": "hours"},
            "save_to": "work_email",
        },
        {
            "id": "thanks",
            "type": "send",
            "channel": "whatsapp",
            "content": {"body": "Grazie, ti scriviamo a {{ work_email }}"},
        },
        {"id": "end", "type": "exit"},
    ],
    "edges": [
        {"from": "ask-email", "to": "thanks", "label": "answered"},
        {"from": "ask-email", "to": "end", "label": "invalid"},
        {"from": "ask-email", "to": "end", "label": "timeout"},
        {"from": "thanks", "to": "end"},
    ],
}

MANUAL = {
    "id": "fair",
    "name": "Trade fair",
    "status": "active",
    "triggers": [{"type": "manual", "recipients": {"kind": "api"}}],
    "start": "sms",
    "nodes": [{"id": "sms", "type": "send", "channel": "sms", "content": {"body": "Grazie della visita"}}],
}

ANNA = {"id": "anna", "email": "anna@example.com", "phone": "+393331234567", "fields": {"first_name": "Anna"}}
BRUNO = {"id": "bruno", "email": "bruno@example.com", "phone": "+393339876543"}


@pytest.fixture
def eng():
    return sequenza.Engine(default_time_zone="Europe/Rome")


# ---- welcome flow, end to end with deliver ------------------------------------------------------


def test_welcome_end_to_end_with_deliver(eng):
    assert eng.publish(WELCOME, T0) == {"flow": "welcome", "version": 1, "moved": 0, "exited": 0}
    eng.upsert_contact(ANNA, T0)
    eng.record_event({"contact": "anna", "name": "signup", "at": "2026-12-07T09:00:00Z"}, T0)

    sent = []

    def email(effect):
        sent.append(effect)
        return "delivered"

    assert eng.deliver({"email": email}, T0) == 1
    (effect,) = sent
    assert effect["kind"] == "send"
    assert effect["channel"] == "email"
    assert effect["to"] == "anna@example.com"
    assert effect["content"]["subject"] == "Ciao Anna"
    assert effect["at"] == "2026-12-07T09:00:00Z"
    assert effect["key"] == "welcome/anna/1/v1/hello/1/0"
    assert eng.effects() == []
    # Delivering again does nothing: the effect left the outbox when acknowledged.
    assert eng.deliver({"email": email}, T0) == 0
    assert len(sent) == 1

    (view,) = eng.enrollments(flow="welcome")
    assert view["contact"] == "anna" and view["state"] == "finished"
    stats = eng.stats("welcome")
    assert (stats["entered"], stats["sent"], stats["delivered"], stats["completed"]) == (1, 1, 1, 1)
    actions = [h["action"] for h in eng.history("anna", flow="welcome")]
    assert actions[0] == "entered" and "sent" in actions and "acknowledged" in actions
    assert eng.history("anna", flow="other") == []


def test_deliver_leaves_what_has_no_handler_or_returns_none(eng):
    eng.publish(WELCOME, T0)
    eng.upsert_contact(ANNA, T0)
    eng.record_event({"contact": "anna", "name": "signup", "at": T0}, T0)
    assert eng.deliver({"sms": lambda e: "delivered"}, T0) == 0
    assert eng.deliver({"email": lambda e: None}, T0) == 0
    assert [e["node"] for e in eng.effects()] == ["hello"]
    assert eng.deliver({"email": lambda e: {"outcome": "bounced"}}, T0) == 1
    assert eng.effects() == []
    assert eng.stats("welcome")["bounced"] == 1


def test_deliver_acks_what_was_handled_before_an_exception(eng):
    eng.publish(WELCOME, T0)
    for c in (ANNA, BRUNO):
        eng.upsert_contact(c, T0)
        eng.record_event({"contact": c["id"], "name": "signup", "at": T0}, T0)
    assert len(eng.effects()) == 2

    calls = []

    def flaky(effect):
        calls.append(effect["contact"])
        if len(calls) == 2:
            raise RuntimeError("smtp down")
        return "delivered"

    with pytest.raises(RuntimeError, match="smtp down"):
        eng.deliver({"email": flaky}, T0)
    (left,) = eng.effects()
    assert left["contact"] == calls[1]
    assert eng.stats("welcome")["delivered"] == 1


def test_deliver_refuses_a_bad_reply(eng):
    eng.publish(WELCOME, T0)
    eng.upsert_contact(ANNA, T0)
    eng.record_event({"contact": "anna", "name": "signup", "at": T0}, T0)
    with pytest.raises(sequenza.FlowFormatError) as e:
        eng.deliver({"email": lambda e: "sent"}, T0)
    assert e.value.code == "format.invalid"
    with pytest.raises(sequenza.FlowFormatError) as e:
        eng.deliver({"email": lambda e: {"outcome": "delivered", "response": {"status": "ok"}}}, T0)
    assert e.value.path == "/response/status"
    with pytest.raises(TypeError, match="reply of a handler"):
        eng.deliver({"email": lambda e: 200}, T0)
    assert len(eng.effects()) == 1


# ---- abandoned cart: wait for an event, with a timeout ------------------------------------------


def test_abandoned_cart_timeout_sends_the_reminder(eng):
    eng.publish(CART, T0)
    eng.upsert_contact(ANNA, T0)
    eng.record_event(
        {"contact": "anna", "name": "cart_abandoned", "at": T0, "properties": {"cart_url": "https://x/c/1"}}, T0
    )
    assert eng.effects() == []
    wake = eng.next_wakeup()
    assert wake == at(11) and wake.tzinfo is not None
    (view,) = eng.enrollments(contact="anna")
    assert view["state"] == "waiting" and view["node"] == "wait-purchase"
    assert view["due"] == "2026-12-07T11:00:00Z"
    assert eng.tick(at(10, 59)) == 0
    assert eng.tick(wake) > 0
    (effect,) = eng.effects()
    assert effect["node"] == "reminder"
    assert effect["content"]["body"] == "Riprendi: https://x/c/1"
    assert effect["at"] == "2026-12-07T11:00:00Z"


def test_abandoned_cart_purchase_inside_the_wait_is_the_goal(eng):
    eng.publish(CART, T0)
    eng.upsert_contact(ANNA, T0)
    eng.record_event({"contact": "anna", "name": "cart_abandoned", "at": T0}, T0)
    # The purchase happened at 10:00 but arrives late, at 12:00: it counts (its `at` is inside).
    eng.record_event({"contact": "anna", "name": "purchase", "at": at(10)}, at(12))
    assert eng.effects() == []
    assert eng.next_wakeup() is None
    assert eng.stats("cart")["goals"] == 1
    (view,) = eng.enrollments(flow="cart", contact="anna")
    assert view["state"] == "finished"


# ---- WhatsApp keyword question with a reply -----------------------------------------------------


def test_whatsapp_keyword_question_with_reply(eng):
    eng.publish(QUESTION, T0)
    eng.upsert_contact({"id": "anna", "phone": "+393331234567"}, T0)

    def message(text, when):
        return {"channel": "whatsapp", "from": "+39 333 123 4567", "text": text, "at": when}

    eng.receive_message(message("ciao", T0), T0)
    (prompt,) = eng.effects()
    assert (prompt["node"], prompt["to"], prompt["content"]["body"]) == (
        "ask-email",
        "+393331234567",
        "La tua e-mail?",
    )
    replies = []
    assert eng.deliver({"whatsapp": lambda e: replies.append(e) or "delivered"}, T0) == 1

    eng.receive_message(message("non lo so", at(9, 1)), at(9, 1))
    (retry,) = eng.effects()
    assert retry["content"]["body"] == "Non sembra un'e-mail. Riprova:"
    eng.ack(retry["key"], "delivered", at(9, 1))

    eng.receive_message(message("anna@example.com", at(9, 2)), at(9, 2))
    (thanks,) = eng.effects()
    assert thanks["content"]["body"] == "Grazie, ti scriviamo a anna@example.com"
    assert eng.contact("anna")["fields"]["work_email"] == "anna@example.com"
    eng.ack(thanks["key"], "delivered", at(9, 2))
    (view,) = eng.enrollments(flow="name-bot")
    assert view["state"] == "finished"


def test_an_unknown_sender_becomes_a_contact(eng):
    eng.publish(QUESTION, T0)
    eng.receive_message({"channel": "whatsapp", "from": "+393330000000", "text": "CIAO", "at": T0}, T0)
    (prompt,) = eng.effects()
    assert prompt["contact"] == "phone:+393330000000"


# ---- audience: lists, segments, CSV import ------------------------------------------------------


def test_list_and_segment_operations(eng):
    eng.upsert_contact(ANNA, T0)
    eng.upsert_contact(BRUNO, T0)
    assert eng.create_list({"id": "fair", "name": "Fiera", "source": {"type": "empty"}}, T0) == 0
    eng.add_to_list("fair", "anna", T0)
    assert eng.member_ids("fair") == ["anna"]
    eng.rename_list("fair", "Fiera 2026", T0)
    eng.remove_from_list("fair", "anna", T0)
    assert eng.member_ids("fair") == []
    eng.delete_list("fair", T0)
    seg = sequenza.Segment.parse('first_name = "Anna"', id="annas")
    assert eng.register_segment(seg, T0) == 1


def test_import_csv_into_the_engine_enrolls(eng, tmp_path):
    eng.publish(MANUAL, T0)
    csv = b"id,phone\nanna,+393331234567\nbruno,+393339876543\n"
    report, enrolled = eng.import_csv(csv, T0, list_name="Fiera", enroll="fair")
    assert (report.rows, report.imported) == (2, 2)
    assert eng.member_ids(report.list_id) == ["anna", "bruno"]
    assert enrolled == {"entered": ["anna", "bruno"], "refused": []}
    assert sorted(e["contact"] for e in eng.effects()) == ["anna", "bruno"]
    path = tmp_path / "more.csv"
    path.write_bytes(b"id,phone\ncarla,+393330001111\n")
    progress = []
    report, enrolled = eng.import_csv(path, at(10), on_progress=lambda r, b: progress.append(r))
    assert report.imported == 1 and enrolled is None
    assert progress and progress[-1] == 1


def test_enroll_refusals_and_enroll_matching(eng):
    eng.publish(MANUAL, T0)
    eng.upsert_contact(ANNA, T0)
    out = eng.enroll("fair", ["anna", "ghost"], T0)
    assert out == {"entered": ["anna"], "refused": [{"contact": "ghost", "reason": "unknown_contact"}]}
    eng.upsert_contact(BRUNO, T0)
    out = eng.enroll_matching("fair", T0)
    assert "bruno" in out["entered"]


def test_set_status_pause_and_resume(eng):
    eng.publish(MANUAL, T0)
    eng.upsert_contact(ANNA, T0)
    eng.set_status("fair", "paused", T0)
    out = eng.enroll("fair", ["anna"], T0)
    assert out["refused"] == [{"contact": "anna", "reason": "flow_not_active"}]
    eng.set_status("fair", "active", T0)
    assert eng.enroll("fair", ["anna"], T0)["entered"] == ["anna"]


def test_remove_contact_exits(eng):
    eng.publish(CART, T0)
    eng.upsert_contact(ANNA, T0)
    eng.record_event({"contact": "anna", "name": "cart_abandoned", "at": T0}, T0)
    eng.remove_contact("anna", at(10))
    (view,) = eng.enrollments(flow="cart")
    assert view["state"] == "exited"
    assert eng.contact("anna") is None


def test_publish_accepts_a_flow_object_and_numbers_versions(eng):
    assert eng.publish(sequenza.Flow.from_json(WELCOME), T0)["version"] == 1
    assert eng.publish(WELCOME, T0)["version"] == 2


def test_now_as_rfc3339_text(eng):
    eng.publish(WELCOME, "2026-12-07T09:00:00Z")
    assert eng.tick("2026-12-07T10:00:00+01:00") == 0


# ---- errors: one per method, with its code and location -----------------------------------------


def raises(cls, code, fn, *args, **kwargs):
    with pytest.raises(cls) as e:
        fn(*args, **kwargs)
    assert e.value.code == code, e.value
    return e.value


def test_engine_config_errors():
    e = raises(sequenza.TimeError, "time.zone.unknown", sequenza.Engine, default_time_zone="Mars/Olympus")
    assert e.path == "/default_time_zone" and e.area == "time"
    # The caps document is read (and checked) by the core's FrequencyCaps reader.
    e = raises(
        sequenza.TimeError,
        "time.cap.invalid",
        sequenza.Engine,
        caps={"caps": [{"channel": "email", "max": 0, "per": {"amount": 1, "unit": "days"}}]},
    )
    assert e.path == "/caps/0/max"
    raises(sequenza.FlowFormatError, "format.invalid", sequenza.Engine, fields={"fields": 3})


def test_publish_errors(eng):
    bad = dict(WELCOME, edges=[], nodes=[{"id": "hello", "type": "condition", "condition": {"type": "and", "conditions": []}}])
    e = raises(sequenza.EngineError, "engine.flow.invalid", eng.publish, bad, T0)
    assert e.flow == "welcome"
    assert e.findings and all(f["severity"] == "error" for f in e.findings)
    e = raises(sequenza.FlowFormatError, "format.invalid", eng.publish, dict(WELCOME, name=3), T0)
    assert e.path == "/name"
    eng.publish(QUESTION, T0)
    other = dict(QUESTION, id="other-bot")
    raises(sequenza.EngineError, "engine.keyword.taken", eng.publish, other, T0)
    with pytest.raises(TypeError):
        eng.publish(42, T0)


def test_clock_errors(eng):
    eng.tick(at(10))
    e = raises(sequenza.EngineError, "engine.clock.backwards", eng.tick, at(9, 59))
    assert e.path == "/now"
    raises(sequenza.EngineError, "engine.clock.backwards", eng.publish, WELCOME, T0)
    with pytest.raises(sequenza.NaiveDatetimeError):
        eng.tick(datetime.datetime(2026, 12, 7, 11))
    with pytest.raises(ValueError):
        eng.tick("yesterday")


def test_set_status_errors(eng):
    raises(sequenza.EngineError, "engine.flow.unknown", eng.set_status, "nope", "paused", T0)
    eng.publish(WELCOME, T0)
    raises(sequenza.FlowFormatError, "format.invalid", eng.set_status, "welcome", "sleeping", T0)
    raises(sequenza.EngineError, "engine.flow.status", eng.set_status, "welcome", "draft", T0)


def test_contact_and_event_errors(eng):
    e = raises(sequenza.FlowFormatError, "format.invalid", eng.upsert_contact, {"id": "x", "email": 3}, T0)
    assert e.path == "/email"
    e = raises(sequenza.EngineError, "engine.contact.unknown", eng.remove_contact, "nobody", T0)
    assert (e.path, e.contact) == ("/contact", "nobody")
    e = raises(sequenza.FlowFormatError, "format.invalid", eng.record_event, {"contact": "x", "at": T0}, T0)
    assert e.path == ""


def test_message_errors(eng):
    raises(
        sequenza.EngineError,
        "engine.message.sender_unknown",
        eng.receive_message,
        {"channel": "sms", "text": "hi", "at": T0},
        T0,
    )
    e = raises(
        sequenza.FlowFormatError,
        "format.invalid",
        eng.receive_message,
        {"channel": "fax", "from": "+39333", "at": T0},
        T0,
    )
    assert e.path == "/channel"
    raises(
        sequenza.EngineError,
        "engine.contact.unknown",
        eng.receive_message,
        {"channel": "sms", "contact": "ghost", "text": "hi", "at": T0},
        T0,
    )


def test_enroll_and_stats_errors(eng):
    e = raises(sequenza.EngineError, "engine.flow.unknown", eng.enroll, "nope", ["anna"], T0)
    assert e.flow == "nope"
    raises(sequenza.EngineError, "engine.flow.unknown", eng.enroll_matching, "nope", T0)
    raises(sequenza.EngineError, "engine.flow.unknown", eng.stats, "nope")
    with pytest.raises(TypeError):
        eng.enroll("nope", "anna", T0)


def test_ack_errors(eng):
    e = raises(sequenza.EngineError, "engine.effect.unknown", eng.ack, "x/y/1/v1/z/1/0", "delivered", T0)
    assert e.path == "/key"
    raises(sequenza.FlowFormatError, "format.invalid", eng.ack, "x/y/1/v1/z/1/0", "lost", T0)
    e = raises(
        sequenza.FlowFormatError, "format.invalid", eng.ack, "k", "delivered", T0, response={"status": "ok"}
    )
    assert e.path == "/status"


def test_feed_and_audience_errors(eng):
    e = raises(sequenza.FlowFormatError, "format.invalid", eng.feed_items, "https://blog", [{"title": "x"}], T0)
    assert e.path == "/0"
    eng.upsert_contact(ANNA, T0)
    e = raises(sequenza.ListError, "list.unknown", eng.add_to_list, "nope", "anna", T0)
    assert e.path is not None
    raises(sequenza.ListError, "list.unknown", eng.delete_list, "nope", T0)
    raises(sequenza.ListError, "list.unknown", eng.rename_list, "nope", "X", T0)
    raises(sequenza.FlowFormatError, "format.invalid", eng.create_list, {"id": "l"}, T0)
    eng.create_list({"id": "l", "name": "L", "source": {"type": "empty"}}, T0)
    raises(sequenza.EngineError, "engine.contact.unknown", eng.add_to_list, "l", "ghost", T0)
    raises(sequenza.ListError, "list.contact.unknown", eng.remove_from_list, "l", "ghost", T0)
    raises(sequenza.ConditionSyntaxError, "condition.syntax", sequenza.Segment.parse, "first_name =")
    e = raises(sequenza.FlowFormatError, "format.invalid", eng.register_segment, {"id": "s"}, T0)
    assert e.path == ""


def test_import_errors(eng):
    raises(sequenza.CsvImportError, "import.empty", eng.import_csv, b"", T0)
    raises(sequenza.EngineError, "engine.flow.unknown", eng.import_csv, b"id\nanna\n", T0, enroll="nope")
    e = raises(sequenza.CsvImportError, "import.option.invalid", eng.import_csv, b"id\nanna\n", T0, no_such=1)
    assert e.column_name == "no_such"


def test_feed_items_from_a_fetched_document(eng):
    rss = """<rss><channel>
      <item><guid>a1</guid><title>Old post</title><link>https://blog/1</link></item>
      <item><guid>a2</guid><title>New &amp; shiny</title><link>https://blog/2</link></item>
    </channel></rss>"""
    items = sequenza.new_feed_items(rss, ["a1"])
    assert [(i["id"], i["title"]) for i in items] == [("a2", "New & shiny")]
    assert len(sequenza.new_feed_items(rss)) == 2
    # No flow has a feed trigger on this URL: nobody enters.
    assert eng.feed_items("https://blog/rss", items, T0) == {"entered": [], "refused": []}


def test_record_activity(eng):
    eng.upsert_contact(ANNA, T0)
    eng.record_activity("anna", {"type": "tag_assigned", "tag": "vip"}, T0, T0)
    assert "vip" in eng.contact("anna")["tags"]
    e = raises(sequenza.FlowFormatError, "format.invalid", eng.record_activity, "anna", {"type": "x"}, T0, T0)
    assert e.path == "/type"


def test_a_handler_calling_the_engine_is_an_error_not_a_crash(eng):
    eng.publish(WELCOME, T0)
    eng.upsert_contact(ANNA, T0)
    eng.record_event({"contact": "anna", "name": "signup", "at": T0}, T0)
    with pytest.raises(RuntimeError):
        eng.deliver({"email": lambda e: eng.effects()}, T0)
    assert len(eng.effects()) == 1


def test_the_same_inputs_give_the_same_keys():
    def run():
        eng = sequenza.Engine(default_time_zone="Europe/Rome")
        eng.publish(CART, T0)
        for c in (ANNA, BRUNO):
            eng.upsert_contact(c, T0)
            eng.record_event({"contact": c["id"], "name": "cart_abandoned", "at": T0}, T0)
        eng.tick(at(12))
        return [(e["key"], e["at"], e["content"]) for e in eng.effects()]

    first = run()
    assert len(first) == 2 and len({k for k, _, _ in first}) == 2
    assert run() == first


# ---- versions and contacts in flight (issue 12) -------------------------------------------------

NURTURE = {
    "id": "nurture",
    "name": "Nurture",
    "status": "active",
    "triggers": [{"type": "manual", "recipients": {"kind": "api"}}],
    "start": "wait",
    "nodes": [
        {"id": "wait", "type": "wait", "duration": {"amount": 2, "unit": "days"}},
        {"id": "hello", "type": "send", "channel": "email", "content": {"subject": "v1", "body": "Ciao"}},
    ],
    "edges": [{"from": "wait", "to": "hello"}],
}


def nurture_with(eng, *contacts, now=T0):
    eng.publish(NURTURE, now)
    for c in contacts:
        eng.upsert_contact({"id": c, "email": f"{c}@example.com"}, now)
    eng.enroll("nurture", list(contacts), now)


def test_publish_migrates_pins_and_maps(eng):
    nurture_with(eng, "anna")
    v2 = dict(NURTURE, nodes=[NURTURE["nodes"][0], dict(NURTURE["nodes"][1], content={"subject": "v2", "body": "Ciao"})])
    assert eng.publish(v2, at(10)) == {"flow": "nurture", "version": 2, "moved": 1, "exited": 0}
    (view,) = eng.enrollments(flow="nurture")
    assert (view["version"], view["node"], view["due"]) == (2, "wait", "2026-12-09T09:00:00Z")
    assert eng.publish(NURTURE, at(11), in_flight="pin")["moved"] == 0
    assert eng.enrollments(flow="nurture")[0]["version"] == 2
    renamed = dict(NURTURE, start="pause", nodes=[dict(NURTURE["nodes"][0], id="pause"), NURTURE["nodes"][1]],
                   edges=[{"from": "pause", "to": "hello"}])
    p = eng.publish(renamed, at(12), node_map={"wait": "pause"})
    assert (p["version"], p["moved"], p["exited"]) == (4, 1, 0)
    assert eng.enrollments(flow="nurture")[0]["node"] == "pause"
    actions = [h["action"] for h in eng.history("anna")]
    assert actions.count("migrated") == 2


def test_publish_removed_node_exits(eng):
    nurture_with(eng, "anna")
    only_send = dict(NURTURE, start="hello", nodes=[NURTURE["nodes"][1]], edges=[])
    assert eng.publish(only_send, at(10))["exited"] == 1
    (view,) = eng.enrollments(flow="nurture")
    assert view["state"] == "exited" and view["reason"].startswith("node_removed")


def test_publish_version_errors(eng):
    nurture_with(eng, "anna")
    e = raises(sequenza.EngineError, "engine.node.unknown", eng.publish, NURTURE, at(10), node_map={"nope": "wait"})
    assert (e.path, e.flow, e.node) == ("/node_map/nope", "nurture", "nope")
    e = raises(sequenza.FlowFormatError, "format.invalid", eng.publish, NURTURE, at(10), in_flight="stay")
    assert e.path == "/in_flight"


def test_duplicate_drops_keywords_and_media(eng):
    bot = dict(QUESTION, nodes=[dict(n) for n in QUESTION["nodes"]])
    eng.publish(bot, T0)
    copy = eng.duplicate("name-bot", "name-bot-2", T0)
    assert (copy["id"], copy["status"], copy["version"]) == ("name-bot-2", "draft", 1)
    assert copy["triggers"] == [{"type": "manual", "recipients": {"kind": "api"}}]
    e = raises(sequenza.EngineError, "engine.flow.taken", eng.duplicate, "name-bot", "name-bot-2", T0)
    assert e.path == "/new_id"
    raises(sequenza.EngineError, "engine.flow.unknown", eng.duplicate, "nope", "x", T0)


def test_skip_wait_move_to_cancel_record_who_asked(eng):
    nurture_with(eng, "anna", "bruno", "carla")
    eng.skip_wait("nurture", "anna", at(10), by="ops@example.com")
    assert [e["contact"] for e in eng.effects()] == ["anna"]
    eng.move_to("nurture", "bruno", "hello", at(10), by="bea")
    eng.cancel("nurture", "carla", at(10))
    states = {v["contact"]: (v["state"], v["reason"]) for v in eng.enrollments(flow="nurture")}
    assert states["anna"][0] == states["bruno"][0] == "finished"
    assert states["carla"] == ("exited", "cancelled")
    skipped = [h for h in eng.history("anna") if h["action"] == "wait_skipped"]
    assert skipped and skipped[0]["by"] == "ops@example.com" and skipped[0]["at"] == "2026-12-07T10:00:00Z"
    moved = [h for h in eng.history("bruno") if h["action"] == "moved"]
    assert moved[0]["by"] == "bea"
    assert "by" not in eng.history("carla")[-1]
    e = raises(sequenza.EngineError, "engine.enrollment.not_waiting", eng.cancel, "nurture", "carla", at(10))
    assert (e.path, e.contact) == ("/contact", "carla")
    nurture_with(eng, "dario", now=at(10))
    e = raises(sequenza.EngineError, "engine.node.unknown", eng.move_to, "nurture", "dario", "nope", at(10))
    assert e.path == "/node"
    raises(sequenza.EngineError, "engine.flow.unknown", eng.skip_wait, "nope", "dario", at(10))
# ---- preview_schedule (issue 12 §2) -------------------------------------------------------------

WEEKLY = {
    "id": "weekly",
    "name": "Weekly news",
    "status": "active",
    "triggers": [
        {"type": "schedule", "recurrence": {"kind": "weekly", "weekdays": ["mon"], "times": ["07:00"]}}
    ],
    "start": "mail",
    "nodes": [{"id": "mail", "type": "send", "channel": "email", "content": {"subject": "Novità", "body": "…"}}],
    "settings": {"send_policy": {"quiet_hours": [{"start": "21:00", "end": "09:00"}]}},
}


def test_preview_schedule_then_the_engine(eng):
    sunday = at(12, day=6)
    eng.publish(WEEKLY, sunday)
    eng.upsert_contact({"id": "anna", "email": "anna@example.com"}, sunday)
    eng.upsert_contact({"id": "bruno", "email": "b@example.com", "time_zone": "America/New_York"}, sunday)
    eng.upsert_contact({"id": "carla", "phone": "+393331234567"}, sunday)
    preview = eng.preview_schedule("weekly", sunday)
    assert isinstance(preview, list)
    assert [(p["contact"], p["would_send_at"], p["deferred_by"], p["skipped"]) for p in preview] == [
        ("anna", "2026-12-07T08:00:00Z", "quiet_hours", None),
        ("bruno", "2026-12-07T14:00:00Z", "quiet_hours", None),
        ("carla", None, None, "no_address"),
    ]
    assert {p["check_at"] for p in preview} == {"2026-12-07T06:00:00Z"}
    assert eng.enrollments(flow="weekly") == []  # the preview changed nothing
    assert eng.schedule_conflicts("weekly", "2026-12-06T12:00:00Z") == []
    # The engine then sends at the instants the preview named.
    sent = []
    for p in preview:
        if p["would_send_at"]:
            eng.deliver({"email": lambda e: sent.append((e["contact"], e["at"])) or "delivered"}, p["would_send_at"])
    assert sent == [(p["contact"], p["would_send_at"]) for p in preview if p["would_send_at"]]


def test_preview_schedule_errors(eng):
    eng.publish(WEEKLY, T0)
    eng.publish(WELCOME, T0)
    e = raises(sequenza.EngineError, "engine.preview.not_scheduled", eng.preview_schedule, "welcome", T0)
    assert (e.path, e.flow) == ("/triggers", "welcome")
    raises(sequenza.EngineError, "engine.flow.unknown", eng.preview_schedule, "nope", T0)
    eng.set_status("weekly", "paused", T0)
    e = raises(sequenza.EngineError, "engine.preview.inactive", eng.schedule_conflicts, "weekly", T0)
    assert e.path == "/status"
    with pytest.raises(TypeError):
        eng.preview_schedule("weekly", 12)
