//! Feed items: a helper that turns a fetched RSS / Atom document plus the ids already seen into
//! new items, and [`Engine::feed_items`] which starts the flows with a `feed` trigger for them.
//!
//! ```
//! use sequenza::engine::feed::new_items;
//! let rss = r#"<rss><channel>
//!   <item><guid>a1</guid><title>Old post</title><link>https://blog/1</link></item>
//!   <item><guid>a2</guid><title>New &amp; shiny</title><link>https://blog/2</link></item>
//! </channel></rss>"#;
//! let items = new_items(rss, &["a1".to_owned()]);
//! assert_eq!(items.len(), 1);
//! assert_eq!(items[0].title, "New & shiny");
//! ```

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::io::{EnrollOutcome, Refusal};
use super::tx::Tx;
use super::Engine;
use crate::flow::{FlowStatus, Trigger};
use crate::model::{ContactId, Event};
use crate::store::Store;

/// One item of a feed. JSON: `{"id", "title", "link", "published", "summary"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedItem {
    /// The item's id (`guid`, Atom `id`, else the link).
    pub id: String,
    /// The title.
    #[serde(default)]
    pub title: String,
    /// The link.
    #[serde(default)]
    pub link: String,
    /// The publication date as written in the feed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    /// The summary or description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
}

fn unescape(s: &str) -> String {
    let s = s.trim();
    let s = s
        .strip_prefix("<![CDATA[")
        .and_then(|x| x.strip_suffix("]]>"))
        .map_or_else(
            || {
                s.replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&quot;", "\"")
                    .replace("&#39;", "'")
                    .replace("&apos;", "'")
                    .replace("&amp;", "&")
            },
            str::to_owned,
        );
    s.trim().to_owned()
}

/// The text of the first `<tag …>…</tag>` inside `block`.
fn element(block: &str, tag: &str) -> Option<String> {
    let mut from = 0;
    while let Some(i) = block.get(from..)?.find(&format!("<{tag}")) {
        let start = from + i;
        let rest = block.get(start + tag.len() + 1..)?;
        let next = rest.chars().next()?;
        if next == '>' || next == ' ' || next == '/' {
            let open_end = start + tag.len() + 1 + rest.find('>')?;
            if block.get(open_end - 1..open_end) == Some("/") {
                // `<link href="…"/>` (Atom).
                let open = block.get(start..open_end)?;
                return attr(open, "href");
            }
            let close = block.get(open_end + 1..)?.find(&format!("</{tag}>"))?;
            return Some(unescape(block.get(open_end + 1..open_end + 1 + close)?));
        }
        from = start + 1;
    }
    None
}

fn attr(open: &str, name: &str) -> Option<String> {
    let i = open.find(&format!("{name}=\""))? + name.len() + 2;
    let end = open.get(i..)?.find('"')?;
    Some(unescape(open.get(i..i + end)?))
}

/// The items of an RSS 2.0 or Atom document whose ids are not in `seen`, in document order.
/// Malformed parts are skipped; an item without an id or link is skipped.
pub fn new_items(document: &str, seen: &[String]) -> Vec<FeedItem> {
    let mut out = Vec::new();
    for tag in ["item", "entry"] {
        let open = format!("<{tag}");
        let close = format!("</{tag}>");
        let mut rest = document;
        while let Some(i) = rest.find(&open) {
            let after = &rest[i..];
            let ok = after
                .as_bytes()
                .get(open.len())
                .is_some_and(|b| *b == b'>' || *b == b' ');
            let Some(end) = after.find(&close) else {
                break;
            };
            if ok {
                let block = &after[..end];
                let link = element(block, "link").unwrap_or_default();
                let id = element(block, "guid")
                    .or_else(|| element(block, "id"))
                    .unwrap_or_else(|| link.clone());
                if !id.is_empty()
                    && !seen.contains(&id)
                    && !out.iter().any(|x: &FeedItem| x.id == id)
                {
                    out.push(FeedItem {
                        id,
                        title: element(block, "title").unwrap_or_default(),
                        link,
                        published: element(block, "pubDate")
                            .or_else(|| element(block, "published"))
                            .or_else(|| element(block, "updated")),
                        summary: element(block, "description")
                            .or_else(|| element(block, "summary")),
                    });
                }
            }
            rest = &after[end + close.len()..];
        }
    }
    out
}

impl<S: Store> Engine<S> {
    /// New items of the feed at `url`: for each item, every contact allowed into each active
    /// flow with a `feed` trigger on that URL enters, with a `feed.item` event whose properties
    /// are the item's (`{{ event.title }}`, `{{ event.link }}`).
    pub fn feed_items(
        &mut self,
        url: &str,
        items: &[FeedItem],
        now: DateTime<Utc>,
    ) -> crate::Result<EnrollOutcome> {
        self.input(now, |eng, tx| eng.do_feed(tx, url, items))
    }

    fn do_feed(
        &mut self,
        tx: &mut Tx,
        url: &str,
        items: &[FeedItem],
    ) -> crate::Result<EnrollOutcome> {
        self.catch_up(tx)?;
        let now = tx.now;
        let mut out = EnrollOutcome::default();
        let flows: Vec<_> = self
            .active_flows()?
            .into_iter()
            .filter(|cf| {
                cf.flow
                    .triggers
                    .iter()
                    .any(|t| matches!(t, Trigger::Feed { url: u } if u == url))
            })
            .collect();
        for item in items {
            let props: BTreeMap<String, serde_json::Value> = match serde_json::to_value(item) {
                Ok(serde_json::Value::Object(m)) => m.into_iter().collect(),
                _ => BTreeMap::new(),
            };
            for cf in &flows {
                if self.head(&cf.flow.id)?.status != FlowStatus::Active {
                    continue;
                }
                let ids: Vec<ContactId> = self.candidates(cf, cf.entry.as_ref(), now);
                for id in ids {
                    let changes = self.store.audience_mut().record_event(
                        Event {
                            contact: id.clone(),
                            name: "feed.item".to_owned(),
                            at: now,
                            properties: props.clone(),
                        },
                        now,
                    );
                    let index = self.store.audience().events(&id).len().checked_sub(1);
                    self.audience_changes(tx, changes, now)?;
                    let cause = format!("feed item `{}`", item.id);
                    match self.enter(tx, &cf.flow.id, &id, now, index.map(|i| i as u32), &cause)? {
                        Ok(()) => out.entered.push(id),
                        Err(reason) => out.refused.push(Refusal {
                            contact: id,
                            reason,
                        }),
                    }
                    self.drain(tx)?;
                }
            }
        }
        Ok(out)
    }
}
