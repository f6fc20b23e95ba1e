//! Deterministic data generators shared by the criterion benches and the peer scripts.

pub mod contacts;

use serde_json::{json, Value};

/// A realistic flow with `n` nodes: a drip of sends and waits, with a condition every 10 nodes
/// whose `no` branch goes to a tagging node, ending in an exit. Deterministic for a given `n`.
pub fn big_flow(n: usize) -> Value {
    let n = n.max(2);
    let mut nodes = Vec::with_capacity(n);
    let mut edges = Vec::with_capacity(n + n / 10);
    for i in 0..n - 1 {
        let id = format!("n{i}");
        let next = format!("n{}", i + 1);
        let node = match i % 10 {
            0 => json!({"id": id, "type": "send", "channel": "email",
                "content": {"subject": format!("Lezione {i}"),
                            "body": format!("Ciao {{{{ first_name | \"amico\" }}}}, ecco la lezione {i} per {{{{ city }}}}.")}}),
            3 => {
                json!({"id": id, "type": "wait", "duration": {"amount": 1 + (i % 5) as i64, "unit": "days"}})
            }
            5 => json!({"id": id, "type": "condition", "condition": {"type": "and", "conditions": [
                    {"type": "field", "field": "city", "op": "eq", "value": "Milano"},
                    {"type": "tags", "op": "has_any", "tags": ["vip", "newsletter"]}]}}),
            7 => {
                json!({"id": id, "type": "send", "channel": "sms", "content": {"body": "Promo {{ first_name }}"}})
            }
            _ => json!({"id": id, "type": "tags", "add": [format!("step-{i}")]}),
        };
        if i % 10 == 5 {
            edges.push(json!({"from": id, "to": next, "label": "yes"}));
            edges.push(json!({"from": id, "to": next, "label": "no"}));
        } else {
            edges.push(json!({"from": id, "to": next}));
        }
        nodes.push(node);
    }
    nodes.push(json!({"id": format!("n{}", n - 1), "type": "exit"}));
    json!({
        "id": format!("drip-{n}"), "name": format!("Drip with {n} nodes"), "status": "active",
        "triggers": [{"type": "event", "event": "signup"}],
        "start": "n0", "nodes": nodes, "edges": edges,
        "settings": {"send_policy": {"quiet_hours": [{"start": "22:00", "end": "08:00"}],
                                     "time_zone": "Europe/Rome"}}
    })
}

/// `count` small active flows, each a WhatsApp keyword chatbot with its own keyword, as a set.
pub fn flow_set(count: usize) -> Vec<Value> {
    (0..count)
        .map(|i| {
            json!({
                "id": format!("bot-{i}"), "name": format!("Bot {i}"), "status": "active",
                "triggers": [{"type": "inbound_message", "channel": "whatsapp",
                              "match": {"kind": "keyword", "keywords": [format!("PROMO{i}")]}}],
                "start": "ask",
                "nodes": [
                    {"id": "ask", "type": "question", "channel": "whatsapp", "prompt": "La tua e-mail?",
                     "answer": {"type": "email"}, "timeout": {"amount": 1, "unit": "days"}, "save_to": "email"},
                    {"id": "next", "type": "launch_flow", "flow": format!("bot-{}", (i + 1) % count.max(1))},
                    {"id": "end", "type": "exit"}
                ],
                "edges": [{"from": "ask", "to": "next", "label": "answered"},
                          {"from": "ask", "to": "end", "label": "timeout"},
                          {"from": "next", "to": "end"}]
            })
        })
        .collect()
}

/// The field schema the generated flows use.
pub fn fields() -> Value {
    json!({"fields": [{"key": "first_name", "type": "text"}, {"key": "city", "type": "text"}]})
}
