//! Flow settings and send policies (time zones, quiet hours, sending hours).

use super::Ctx;
use crate::error::FindingCode;
use crate::flow::{Flow, SendPolicy};
use crate::model::NodeId;
use crate::time::is_known_time_zone;

impl Ctx<'_, '_> {
    pub(super) fn settings(&mut self, flow: &Flow) {
        let s = &flow.settings;
        if let crate::flow::Reentry::AfterCooldown { cooldown } = &s.reentry {
            self.duration(cooldown, None, "/settings/reentry/cooldown");
        }
        self.policy(&s.send_policy, None, "/settings/send_policy");
        if let Some(c) = &s.entry.condition {
            self.condition(c, None, "/settings/entry/condition", true);
        }
        if let Some(g) = &s.goal {
            self.condition(&g.condition, None, "/settings/goal/condition", true);
        }
        if let Some(c) = &s.exit_condition {
            self.condition(c, None, "/settings/exit_condition", true);
        }
        if let Some(w) = &s.webhooks.on_enter {
            self.url(&w.url, None, "/settings/webhooks/on_enter/url");
        }
        if let Some(w) = &s.webhooks.on_complete {
            self.url(&w.url, None, "/settings/webhooks/on_complete/url");
        }
    }

    pub(super) fn policy(&mut self, p: &SendPolicy, node: Option<&NodeId>, path: &str) {
        for (key, zone) in [
            ("time_zone", &p.time_zone),
            ("fallback_time_zone", &p.fallback_time_zone),
        ] {
            if let Some(zone) = zone {
                if !is_known_time_zone(zone) {
                    self.sink.add(
                        FindingCode::TimeZoneUnknown,
                        node,
                        format!("{path}/{key}"),
                        format!("\"{zone}\" is not a known time zone; use an IANA name such as \"Europe/Rome\"."),
                    );
                }
            }
        }
        for (key, windows) in [("quiet_hours", &p.quiet_hours), ("hours", &p.hours)] {
            for (i, w) in windows.iter().enumerate() {
                let wpath = format!("{path}/{key}/{i}");
                let start = self.time(&w.start, node, &format!("{wpath}/start"));
                let end = self.time(&w.end, node, &format!("{wpath}/end"));
                if start.is_some() && start == end {
                    self.sink.add(
                        FindingCode::QuietHoursMalformed,
                        node,
                        wpath,
                        format!("The window {}–{} starts and ends at the same time: it would cover nothing or the whole day.", w.start, w.end),
                    );
                }
            }
        }
    }
}
