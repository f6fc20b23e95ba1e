//! Lists: audience operations, the ContactStore seam, and the property that an auto-updating
//! list always equals a fresh evaluation of its source.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use proptest::prelude::*;
use sequenza::condition::eval::{CompiledCondition, EvalContext};
use sequenza::list::{
    list_trigger_hits, Activity, Audience, DeviceType, FidelityStatus, Gender, List, Source,
};
use sequenza::model::Value;
use sequenza::segment::MembershipChange;
use sequenza::store::{ContactStore, MemoryStore};
use sequenza::{Contact, Flow};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap()
}

#[test]
fn manual_add_edit_remove_rename_delete() {
    let now = t0();
    let mut a = Audience::new();
    a.create_list(List::new("hand", "By hand", Source::Empty {}), now)
        .unwrap();
    let changes = a
        .add_to_list(&"hand".into(), Contact::new("anna"), now)
        .unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].change, MembershipChange::Entered);
    // Editing the contact keeps it in the list even when the new version names no list.
    let mut anna = Contact::new("anna");
    anna.fields
        .insert("city".into(), Value::Text("Roma".into()));
    a.upsert_contact(anna, now).unwrap();
    assert!(a
        .contact(&"anna".into())
        .unwrap()
        .lists
        .contains(&"hand".into()));
    assert_eq!(
        a.members(&"hand".into(), 0, 10).unwrap().contacts[0].fields["city"],
        Value::Text("Roma".into())
    );
    a.rename_list(&"hand".into(), "Renamed").unwrap();
    assert_eq!(a.list(&"hand".into()).unwrap().name, "Renamed");
    let err = a
        .remove_from_list(&"hand".into(), &"bruno".into(), now)
        .unwrap_err();
    assert_eq!(err.code(), "list.contact.unknown");
    a.remove_from_list(&"hand".into(), &"anna".into(), now)
        .unwrap();
    assert!(a.contact(&"anna".into()).unwrap().lists.is_empty());
    a.add_to_list(&"hand".into(), Contact::new("anna"), now)
        .unwrap();
    a.delete_list(&"hand".into(), now).unwrap();
    assert!(a.contact(&"anna".into()).unwrap().lists.is_empty());
    assert_eq!(
        a.delete_list(&"hand".into(), now).unwrap_err().code(),
        "list.unknown"
    );
    let dup = List::new("x", "X", Source::Empty {});
    a.create_list(dup.clone(), now).unwrap();
    assert_eq!(
        a.create_list(dup, now).unwrap_err().code(),
        "list.duplicate"
    );
}

#[test]
fn members_are_paginated_in_id_order() {
    let now = t0();
    let mut a = Audience::new();
    for i in 0..25 {
        let mut c = Contact::new(format!("c{i:02}"));
        c.tags.insert("vip".into());
        a.upsert_contact(c, now).unwrap();
    }
    let n = a
        .create_list(
            List::new("vip", "VIP", Source::Tag { tag: "vip".into() }),
            now,
        )
        .unwrap();
    assert_eq!(n, 25);
    let page = a.members(&"vip".into(), 20, 10).unwrap();
    assert_eq!(page.total, 25);
    let ids: Vec<&str> = page.contacts.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["c20", "c21", "c22", "c23", "c24"]);
}

#[test]
fn fidelity_status_follows_points() {
    let now = t0();
    let mut a = Audience::new();
    let mut list = List::new(
        "half",
        "Half way",
        Source::Fidelity {
            dates: None,
            gender: None,
            age: None,
            status: Some(FidelityStatus::HalfTarget),
        },
    );
    list.auto_update = true;
    list.remove_exits = true;
    a.create_list(list, now).unwrap();
    let anna = "anna".into();
    let join = Activity::FidelityJoined {
        card: "F".into(),
        target: Some(100.0),
    };
    assert!(a.record(&anna, join, now, now).is_empty());
    let c = a.record(&anna, Activity::FidelityPoints { points: 50.0 }, now, now);
    assert_eq!(c.len(), 1);
    let c = a.record(&anna, Activity::FidelityPoints { points: 100.0 }, now, now);
    assert_eq!(c[0].change, MembershipChange::Exited);
}

#[test]
fn gender_spellings_of_italian_shops() {
    let now = t0();
    let mut a = Audience::new();
    for (id, g) in [
        ("a", "Donna"),
        ("b", "F"),
        ("c", "female"),
        ("d", "UOMO"),
        ("e", "m"),
        ("f", "Male"),
        ("g", "x"),
    ] {
        let mut c = Contact::new(id);
        c.fields.insert("gender".into(), Value::Text(g.into()));
        c.tags.insert("t".into());
        a.upsert_contact(c, now).unwrap();
    }
    // Everyone with the tag, filtered by gender through an equivalent walk-in-less source.
    for (g, want) in [
        (Gender::Female, vec!["a", "b", "c"]),
        (Gender::Male, vec!["d", "e", "f"]),
    ] {
        let cond = g.to_condition();
        let compiled = CompiledCondition::compile(&cond, None).unwrap();
        let ctx = EvalContext::new(now);
        let got: Vec<&str> = ["a", "b", "c", "d", "e", "f", "g"]
            .into_iter()
            .filter(|id| compiled.matches(a.contact(&(*id).into()).unwrap(), &[], &ctx))
            .collect();
        assert_eq!(got, want);
    }
}

#[test]
fn list_changes_fire_list_triggers_of_active_flows() {
    let now = t0();
    let flow = |id: &str, status: &str, on: &str| {
        Flow::from_json(&format!(
            r#"{{"id": "{id}", "name": "F", "status": "{status}",
            "triggers": [{{"type": "list", "list": "push", "on": "{on}"}}],
            "start": "end", "nodes": [{{"id": "end", "type": "exit"}}], "edges": []}}"#
        ))
        .unwrap()
    };
    let flows = [
        flow("a", "active", "entered"),
        flow("b", "draft", "entered"),
        flow("c", "active", "left"),
    ];
    let mut a = Audience::new();
    let mut list = List::new(
        "push",
        "Mobile push",
        Source::Push {
            dates: None,
            device: Some(DeviceType::Mobile),
        },
    );
    list.auto_update = true;
    a.create_list(list, now).unwrap();
    let changes = a.record(
        &"anna".into(),
        Activity::WebPushSubscribed {
            device: DeviceType::Mobile,
        },
        now,
        now,
    );
    let hits = list_trigger_hits(&changes, &flows);
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].flow.as_str(), "a");
    assert_eq!(hits[0].contact.as_str(), "anna");
}

#[test]
fn audience_and_memory_store_share_the_key_rules() {
    let now = t0();
    let mut stores: (MemoryStore, Audience) = (MemoryStore::new(), Audience::new());
    let c = Contact::from_json(
        r#"{"id": "anna", "email": " Anna@Example.com", "phone": "+39 333 1234567"}"#,
    )
    .unwrap();
    fn check(s: &mut dyn ContactStore, c: Contact, now: DateTime<Utc>) {
        s.upsert(c, now).unwrap();
        assert_eq!(
            s.find_by_email("anna@example.com").map(|i| i.as_str()),
            Some("anna")
        );
        assert_eq!(
            s.find_by_phone("+393331234567").map(|i| i.as_str()),
            Some("anna")
        );
        let mut moved = s.get(&"anna".into()).unwrap().clone();
        moved.email = Some("new@example.com".into());
        s.upsert(moved, now).unwrap();
        assert!(s.find_by_email("anna@example.com").is_none());
        assert!(s.remove(&"anna".into(), now).unwrap().is_some());
        assert!(s.find_by_phone("+393331234567").is_none());
        assert!(s.get(&"anna".into()).is_none());
    }
    check(&mut stores.0, c.clone(), now);
    check(&mut stores.1, c, now);
}

#[derive(Debug, Clone)]
enum Step {
    Act(usize, Activity, i64),
    Gender(usize, &'static str),
    Birth(usize, &'static str),
    Remove(usize),
    Tick(i64),
}

fn activity() -> impl Strategy<Value = Activity> {
    prop_oneof![
        Just(Activity::CouponDownloaded { coupon: "X".into() }),
        Just(Activity::CouponRedeemed { coupon: "X".into() }),
        (0.0f64..3.0).prop_map(|t| Activity::FidelityJoined {
            card: "F".into(),
            target: Some((t * 50.0).round())
        }),
        (0.0f64..200.0).prop_map(|p| Activity::FidelityPoints { points: p.round() }),
        Just(Activity::WalkIn { store: None }),
        Just(Activity::FormSubmitted {
            form: "ebook".into()
        }),
        Just(Activity::NewsletterSignup { source: None }),
        prop::sample::select(vec![DeviceType::Mobile, DeviceType::Desktop])
            .prop_map(|device| Activity::WebPushSubscribed { device }),
        Just(Activity::TagAssigned { tag: "vip".into() }),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (0usize..6, activity(), -40i64..40).prop_map(|(c, a, d)| Step::Act(c, a, d)),
        1 => (0usize..6, prop::sample::select(vec!["donna", "M", "female", "uomo", "?"])).prop_map(|(c, g)| Step::Gender(c, g)),
        1 => (0usize..6, prop::sample::select(vec!["1990-11-30", "2000-01-01", "1960-06-15"])).prop_map(|(c, b)| Step::Birth(c, b)),
        1 => (0usize..6).prop_map(Step::Remove),
        1 => (1i64..60).prop_map(Step::Tick),
    ]
}

fn sources() -> Vec<Source> {
    let j = |s: &str| Source::from_json(s).unwrap();
    vec![
        j(r#"{"type": "coupon", "used": false, "gender": "female"}"#),
        j(
            r#"{"type": "coupon", "dates": {"from": "2026-11-20", "to": "2026-12-10"}, "age": {"min": 20, "max": 40}}"#,
        ),
        j(r#"{"type": "fidelity", "status": "half_target"}"#),
        j(r#"{"type": "fidelity", "status": "zero_points", "gender": "male"}"#),
        j(r#"{"type": "walk_in", "dates": {"from": "2026-11-25", "to": "2026-12-31"}}"#),
        j(r#"{"type": "push", "device": "mobile"}"#),
        j(r#"{"type": "newsletter"}"#),
        j(r#"{"type": "tag", "tag": "vip"}"#),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn auto_updated_lists_equal_a_fresh_evaluation(steps in prop::collection::vec(step(), 1..30)) {
        let mut now = t0();
        let tz: chrono_tz::Tz = chrono_tz::Europe::Rome;
        let mut a = Audience::new().with_default_time_zone(tz);
        for (i, s) in sources().into_iter().enumerate() {
            let mut l = List::new(format!("l{i}"), "L", s);
            l.auto_update = true;
            l.remove_exits = true;
            a.create_list(l, now).unwrap();
        }
        for s in steps {
            match s {
                Step::Act(c, act, d) => {
                    a.record(&format!("c{c}").into(), act, now + TimeDelta::hours(d), now);
                }
                Step::Gender(c, g) => {
                    let id = format!("c{c}").into();
                    let mut x = a.contact(&id).cloned().unwrap_or_else(|| Contact::new(id));
                    x.fields.insert("gender".into(), Value::Text(g.into()));
                    a.upsert_contact(x, now).unwrap();
                }
                Step::Birth(c, b) => {
                    let id = format!("c{c}").into();
                    let mut x = a.contact(&id).cloned().unwrap_or_else(|| Contact::new(id));
                    x.fields.insert("birth_date".into(), Value::Text(b.into()));
                    a.upsert_contact(x, now).unwrap();
                }
                Step::Remove(c) => {
                    a.remove_contact(&format!("c{c}").into(), now);
                }
                Step::Tick(h) => {
                    now += TimeDelta::hours(h);
                    a.tick(now);
                }
            }
            let ctx = EvalContext::new(now).with_default_time_zone(tz);
            for l in a.lists() {
                let compiled = CompiledCondition::compile(&l.source.to_condition(), None).unwrap();
                let want: Vec<String> = (0..6)
                    .map(|i| format!("c{i}"))
                    .filter(|id| {
                        let id = id.as_str().into();
                        a.contact(&id).is_some_and(|c| compiled.matches(c, a.events(&id), &ctx))
                    })
                    .collect();
                let got: Vec<String> = a.member_ids(&l.id).map(|c| c.to_string()).collect();
                prop_assert_eq!(&got, &want, "list {} ({})", l.id, l.source.to_condition());
                for c in a.member_ids(&l.id) {
                    prop_assert!(a.contact(c).unwrap().lists.contains(&l.id));
                }
            }
        }
    }
}
