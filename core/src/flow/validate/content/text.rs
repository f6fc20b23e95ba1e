//! Merge fields and URLs.

use super::Ctx;
use crate::error::FindingCode;
use crate::flow::merge::parse_merge_fields;
use crate::model::NodeId;
use crate::text::line_column;

impl Ctx<'_, '_> {
    pub(super) fn url(&mut self, url: &str, node: Option<&NodeId>, path: &str) {
        let ok = (url.starts_with("https://") || url.starts_with("http://"))
            && url
                .split_once("://")
                .is_some_and(|(_, rest)| !rest.is_empty() && !rest.starts_with('/'));
        if !ok {
            self.sink.add(
                FindingCode::UrlInvalid,
                node,
                path.to_owned(),
                format!("\"{url}\" is not an http(s) address."),
            );
        }
    }

    pub(super) fn merge(&mut self, text: &str, node: Option<&NodeId>, path: &str) {
        for found in parse_merge_fields(text) {
            match found {
                Err(e) => {
                    let (line, column) = line_column(text, e.offset);
                    self.sink.add(
                        FindingCode::MergeFieldMalformed,
                        node,
                        path.to_owned(),
                        format!("{} (line {line}, column {column}).", e.message),
                    );
                }
                Ok(m) => {
                    let Some(schema) = self.fields else { continue };
                    if m.key.starts_with("event.") || schema.knows(&m.key) {
                        continue;
                    }
                    let (line, column) = line_column(text, m.offset);
                    self.sink.add(
                        FindingCode::MergeFieldUnknown,
                        node,
                        path.to_owned(),
                        format!("The merge field {{{{ {} }}}} (line {line}, column {column}) is not a declared profile field.", m.key),
                    );
                }
            }
        }
    }
}
