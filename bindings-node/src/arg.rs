//! The arguments of the exported methods as types: `now: arg::Now` is read by the
//! [`FromArg`](crate::convert::FromArg) of its inner type, with `now` as its name in errors
//! (`The "now" argument must be …`).

use chrono::{DateTime, Utc};
use sequenza::model::{ContactId as Contact_, FlowId as Flow_, ListId as List_};
use sequenza::model::{NodeId as Node_, SegmentId as Segment_};

/// Declares `Type(Inner) = "name";` argument types, read by `Inner`'s `FromArg`.
macro_rules! args {
    ($($ty:ident($inner:ty) = $name:literal;)*) => {$(
        #[doc = concat!("The `", $name, "` argument.")]
        #[derive(Debug)]
        pub struct $ty(pub $inner);

        #[allow(unsafe_code)] // napi's trait method is an `unsafe fn`
        impl napi::bindgen_prelude::FromNapiValue for $ty {
            unsafe fn from_napi_value(
                env: napi::sys::napi_env,
                value: napi::sys::napi_value,
            ) -> napi::Result<Self> {
                // SAFETY: napi's own env and value, passed on as they are.
                unsafe { crate::convert::from_napi(env, value, $name) }.map($ty)
            }
        }
    )*};
}

args! {
    Now(DateTime<Utc>) = "now";
    At(DateTime<Utc>) = "at";
    T(DateTime<Utc>) = "t";
    A(DateTime<Utc>) = "a";
    B(DateTime<Utc>) = "b";
    FlowId(Flow_) = "flowId";
    NewId(Flow_) = "newId";
    InFlow(Flow_) = "flow";
    ContactId(Contact_) = "contactId";
    ContactIds(Vec<Contact_>) = "contactIds";
    ListId(List_) = "listId";
    SegmentId(Segment_) = "segmentId";
    NodeId(Node_) = "nodeId";
    Key(String) = "key";
    Url(String) = "url";
    Name(String) = "name";
    Text(String) = "text";
    Id(String) = "id";
    Local(String) = "local";
    TimeZone(String) = "timeZone";
    Zone(sequenza::time::Tz) = "timeZone";
    Status(sequenza::flow::FlowStatus) = "status";
    Outcome(sequenza::engine::Outcome) = "outcome";
    Channel(sequenza::model::Channel) = "channel";
    Flow(sequenza::Flow) = "flow";
    Flows(Vec<sequenza::Flow>) = "flows";
    Contact(sequenza::Contact) = "contact";
    Contacts(Vec<sequenza::Contact>) = "contacts";
    Event(sequenza::Event) = "event";
    Events(Vec<sequenza::Event>) = "events";
    List(sequenza::list::List) = "list";
    Changes(Vec<sequenza::list::ListChange>) = "changes";
    Record(sequenza::list::ActivityRecord) = "record";
    Source(sequenza::list::Source) = "source";
    Activity(sequenza::list::Activity) = "activity";
    ActivityJson(crate::convert::JsonText) = "activity";
    Message(sequenza::engine::InboundMessage) = "message";
    Response(sequenza::engine::ApiResponse) = "response";
    Items(Vec<sequenza::engine::feed::FeedItem>) = "items";
    Segment(sequenza::segment::Segment) = "segment";
    Segments(Vec<sequenza::segment::Segment>) = "segments";
    Fields(sequenza::FieldSchema) = "fields";
    Wait(sequenza::flow::WaitNode) = "wait";
    Rule(sequenza::time::RecurrenceRule) = "rule";
    Other(sequenza::time::ZonedPolicy) = "other";
    By(crate::engine::Actor) = "options";
    History(crate::time::Sent) = "history";
}
