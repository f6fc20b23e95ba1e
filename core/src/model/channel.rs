//! Delivery channels.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A delivery channel. JSON: `"email"`, `"sms"`, `"web_push"`, `"whatsapp"`.
///
/// ```
/// use sequenza::model::Channel;
/// let c: Channel = serde_json::from_str("\"web_push\"").unwrap();
/// assert_eq!(c, Channel::WebPush);
/// assert_eq!(c.to_string(), "web_push");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Channel {
    /// E-mail.
    Email,
    /// SMS text message.
    Sms,
    /// Browser web-push notification.
    WebPush,
    /// WhatsApp message.
    #[serde(rename = "whatsapp")]
    WhatsApp,
}

impl Channel {
    /// Every channel, in a stable order.
    pub const ALL: [Channel; 4] = [
        Channel::Email,
        Channel::Sms,
        Channel::WebPush,
        Channel::WhatsApp,
    ];

    /// The JSON name of the channel.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
            Channel::WebPush => "web_push",
            Channel::WhatsApp => "whatsapp",
        }
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
