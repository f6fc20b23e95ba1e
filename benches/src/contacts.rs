//! Synthetic contacts and a year of their events, generated deterministically from a seed (a
//! splitmix64 stream, no `rand`), for the bulk-segment benchmark and its peers.
//!
//! The same data is available three ways: as columns (what [`ContactTable::builder`] takes), as
//! [`Contact`]s and [`Event`]s (what [`ContactTable::from_contacts`] takes), and as two CSV files
//! that `benches/peers/segment_peers.py` loads into polars, pandas and SQLite.

use std::fmt::Write as _;
use std::io::{BufWriter, Write};
use std::path::Path;

use chrono::{DateTime, TimeZone, Utc};
use sequenza::condition::bulk::ContactTable;
use sequenza::condition::Condition;
use sequenza::model::{Contact, ContactId, Event, ListId, Value};

/// The instant every benchmark evaluates at: 2026-11-25T12:00:00Z.
pub fn now() -> DateTime<Utc> {
    Utc.timestamp_opt(NOW_SECS, 0).single().unwrap_or_default()
}

/// [`now`] in Unix seconds.
pub const NOW_SECS: i64 = 1_795_608_000;

const DAY: i64 = 86_400;

/// The ~20 tags contacts carry.
pub const TAGS: [&str; 20] = [
    "vip",
    "newsletter",
    "lead",
    "customer",
    "churn-risk",
    "b2b",
    "b2c",
    "student",
    "promo",
    "black-friday",
    "wine",
    "sport",
    "travel",
    "family",
    "pet",
    "tech",
    "fashion",
    "books",
    "music",
    "food",
];

/// The two lists.
pub const LISTS: [&str; 2] = ["newsletter-weekly", "blacklist"];

/// The cities the segment selects (10 of the 100).
pub fn segment_cities() -> Vec<String> {
    (0..100).step_by(10).map(city).collect()
}

/// The tags the segment asks for (any of them).
pub const SEGMENT_TAGS: [&str; 3] = ["vip", "wine", "travel"];

/// City number `i` (0..100): a handful of real names, then numbered towns.
pub fn city(i: usize) -> String {
    const REAL: [&str; 10] = [
        "Milano", "Roma", "Torino", "Napoli", "Bologna", "Firenze", "Genova", "Bari", "Palermo",
        "Venezia",
    ];
    match REAL.get(i) {
        Some(c) => (*c).to_owned(),
        None => format!("Comune {i:02}"),
    }
}

/// The 6-clause segment: city in 10 cities, age 25–44, any of 3 tags, spend over 200, an order
/// in the last 90 days, and not in the blacklist.
pub fn segment() -> Condition {
    let c = serde_json::json!({"type": "and", "conditions": [
        {"type": "field", "field": "city", "op": "in", "value": segment_cities()},
        {"type": "field", "field": "age", "op": "between", "value": [25, 44]},
        {"type": "tags", "op": "has_any", "tags": SEGMENT_TAGS},
        {"type": "field", "field": "spend_last_year", "op": "gt", "value": 200},
        {"type": "event", "name": "order.placed", "within": {"amount": 90, "unit": "days"}},
        {"type": "not", "condition": {"type": "in_list", "list": "blacklist"}}
    ]});
    serde_json::from_value(c).unwrap_or(Condition::Or {
        conditions: Vec::new(),
    })
}

/// A splitmix64 stream.
#[derive(Debug, Clone)]
pub struct SplitMix(u64);

impl SplitMix {
    /// A stream from a seed.
    pub fn new(seed: u64) -> Self {
        SplitMix(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n.max(1))) >> 64) as u64
    }

    /// A float in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
}

/// Synthetic contacts, column by column, and their events.
#[derive(Debug, Clone)]
pub struct Synthetic {
    /// Contact ids (`c0000000` …).
    pub ids: Vec<String>,
    /// Age in years (missing for 5%).
    pub age: Vec<Option<f64>>,
    /// Birth date as days since 1970-01-01, consistent with `age` at [`now`].
    pub birth_date: Vec<Option<i32>>,
    /// City number (see [`city`]), missing for 2%.
    pub city: Vec<Option<u8>>,
    /// `f`, `m` or `x` (missing for 10%).
    pub gender: Vec<Option<&'static str>>,
    /// Spend over the last year (missing for 10%).
    pub spend_last_year: Vec<Option<f64>>,
    /// Signup date, days since 1970-01-01.
    pub signup: Vec<i32>,
    /// A score in 0..100.
    pub score: Vec<f64>,
    /// Tag numbers per contact, as CSR offsets into `tag_codes`.
    pub tag_offsets: Vec<u32>,
    /// Tag numbers (indexes into [`TAGS`]).
    pub tag_codes: Vec<u8>,
    /// List membership bits (bit `i` = [`LISTS`]`[i]`).
    pub lists: Vec<u8>,
    /// `order.placed` events: contact row, Unix seconds, amount.
    pub orders: Vec<(u32, i64, f64)>,
    /// `email.opened` events: contact row, Unix seconds.
    pub opens: Vec<(u32, i64)>,
}

impl Synthetic {
    /// `n` contacts from `seed`: about 1.5 orders and 4 e-mail opens each over the year before
    /// [`now`].
    pub fn generate(n: usize, seed: u64) -> Synthetic {
        let mut r = SplitMix::new(seed);
        let mut s = Synthetic {
            ids: Vec::with_capacity(n),
            age: Vec::with_capacity(n),
            birth_date: Vec::with_capacity(n),
            city: Vec::with_capacity(n),
            gender: Vec::with_capacity(n),
            spend_last_year: Vec::with_capacity(n),
            signup: Vec::with_capacity(n),
            score: Vec::with_capacity(n),
            tag_offsets: Vec::with_capacity(n + 1),
            tag_codes: Vec::with_capacity(n * 2),
            lists: Vec::with_capacity(n),
            orders: Vec::with_capacity(n * 3 / 2),
            opens: Vec::with_capacity(n * 4),
        };
        let today = (NOW_SECS / DAY) as i32;
        s.tag_offsets.push(0);
        for i in 0..n {
            s.ids.push(format!("c{i:07}"));
            let age = 18 + r.below(62) as i32;
            // Born between `age` and `age + 1` years ago.
            let birth = today - age * 365 - (age / 4) - r.below(364) as i32 - 1;
            let has_age = r.chance(0.95);
            s.age.push(has_age.then_some(f64::from(age)));
            s.birth_date.push(has_age.then_some(birth));
            // Zipf-like cities: small numbers are more frequent.
            let c = ((r.unit() * r.unit()) * 100.0) as u8;
            s.city.push(r.chance(0.98).then_some(c.min(99)));
            s.gender
                .push(r.chance(0.9).then(|| ["f", "m", "x"][r.below(3) as usize]));
            let spend = (r.unit() * r.unit() * 1_000.0 * 100.0).round() / 100.0;
            s.spend_last_year.push(r.chance(0.9).then_some(spend));
            s.signup.push(today - r.below(5 * 365) as i32);
            s.score.push((r.unit() * 100.0).floor());
            let k = r.below(6) as usize;
            let mut mine: Vec<u8> = Vec::with_capacity(k);
            while mine.len() < k {
                let t = (r.unit() * r.unit() * 20.0) as u8;
                if !mine.contains(&t) {
                    mine.push(t);
                }
            }
            s.tag_codes.extend(mine);
            s.tag_offsets.push(s.tag_codes.len() as u32);
            let mut lists = 0u8;
            if r.chance(0.3) {
                lists |= 1;
            }
            if r.chance(0.05) {
                lists |= 2;
            }
            s.lists.push(lists);
            let orders = [0, 0, 1, 1, 1, 2, 2, 3, 4, 1][r.below(10) as usize];
            for _ in 0..orders {
                let at = NOW_SECS - r.below(365 * DAY as u64) as i64;
                let amount = (5.0 + r.unit() * 195.0 * 100.0).round() / 100.0;
                s.orders.push((i as u32, at, amount));
            }
            let opens = r.below(9);
            for _ in 0..opens {
                s.opens
                    .push((i as u32, NOW_SECS - r.below(365 * DAY as u64) as i64));
            }
        }
        s
    }

    /// The number of contacts.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// True when there are no contacts.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The tags of contact `i`.
    pub fn tags_of(&self, i: usize) -> impl Iterator<Item = &'static str> + '_ {
        let s = self.tag_offsets.get(i).copied().unwrap_or(0) as usize;
        let e = self.tag_offsets.get(i + 1).copied().unwrap_or(0) as usize;
        self.tag_codes
            .get(s..e)
            .unwrap_or(&[])
            .iter()
            .map(|t| TAGS[*t as usize % TAGS.len()])
    }

    /// The lists of contact `i`.
    pub fn lists_of(&self, i: usize) -> impl Iterator<Item = &'static str> + '_ {
        let bits = self.lists.get(i).copied().unwrap_or(0);
        LISTS
            .iter()
            .enumerate()
            .filter(move |(b, _)| bits & (1 << b) != 0)
            .map(|(_, l)| *l)
    }

    /// The table, built from the columns (the path Arrow data takes).
    pub fn to_table(&self) -> sequenza::Result<ContactTable> {
        let cities: Vec<String> = (0..100).map(city).collect();
        let at = |s: i64| Utc.timestamp_opt(s, 0).single().unwrap_or_default();
        ContactTable::builder(self.ids.clone())
            .number_column("age", self.age.clone())
            .date_days_column("birth_date", self.birth_date.clone())
            .text_column(
                "city",
                self.city
                    .iter()
                    .map(|c| c.map(|c| cities[c as usize].as_str()))
                    .collect(),
            )
            .choice_column("gender", self.gender.clone())
            .number_column("spend_last_year", self.spend_last_year.clone())
            .date_days_column(
                "signup_date",
                self.signup.iter().map(|d| Some(*d)).collect(),
            )
            .number_column("score", self.score.iter().map(|s| Some(*s)).collect())
            .tags((0..self.len()).map(|i| self.tags_of(i).collect()).collect())
            .lists(
                (0..self.len())
                    .map(|i| self.lists_of(i).collect())
                    .collect(),
            )
            .events(
                "order.placed",
                self.orders.iter().map(|o| o.0).collect(),
                self.orders.iter().map(|o| at(o.1)).collect(),
            )
            .event_number_property(
                "order.placed",
                "amount",
                self.orders.iter().map(|o| Some(o.2)).collect(),
            )
            .events(
                "email.opened",
                self.opens.iter().map(|o| o.0).collect(),
                self.opens.iter().map(|o| at(o.1)).collect(),
            )
            .build()
    }

    /// The same data as contacts and events.
    pub fn to_contacts(&self) -> (Vec<Contact>, Vec<Event>) {
        let date = sequenza_date;
        let contacts = (0..self.len())
            .map(|i| {
                let mut c = Contact::new(ContactId::new(self.ids[i].clone()));
                let mut put = |k: &str, v: Value| {
                    c.fields.insert(k.to_owned(), v);
                };
                if let Some(a) = self.age[i] {
                    put("age", Value::Number(a));
                }
                if let Some(b) = self.birth_date[i] {
                    put("birth_date", Value::Text(date(b)));
                }
                if let Some(ct) = self.city[i] {
                    put("city", Value::Text(city(ct as usize)));
                }
                if let Some(g) = self.gender[i] {
                    put("gender", Value::Text(g.to_owned()));
                }
                if let Some(s) = self.spend_last_year[i] {
                    put("spend_last_year", Value::Number(s));
                }
                put("signup_date", Value::Text(date(self.signup[i])));
                put("score", Value::Number(self.score[i]));
                c.tags = self.tags_of(i).map(str::to_owned).collect();
                c.lists = self.lists_of(i).map(ListId::new).collect();
                c
            })
            .collect();
        let at = |s: i64| Utc.timestamp_opt(s, 0).single().unwrap_or_default();
        let mut events = Vec::with_capacity(self.orders.len() + self.opens.len());
        for (row, t, amount) in &self.orders {
            let mut e = Event {
                contact: ContactId::new(self.ids[*row as usize].clone()),
                name: "order.placed".to_owned(),
                at: at(*t),
                properties: Default::default(),
            };
            e.properties
                .insert("amount".to_owned(), serde_json::json!(amount));
            events.push(e);
        }
        for (row, t) in &self.opens {
            events.push(Event {
                contact: ContactId::new(self.ids[*row as usize].clone()),
                name: "email.opened".to_owned(),
                at: at(*t),
                properties: Default::default(),
            });
        }
        (contacts, events)
    }

    /// Writes `contacts.csv` (row, id, age, birth_date, city, gender, spend_last_year,
    /// signup_date, score, tags, lists; tags and lists joined with `|`) and `events.csv`
    /// (contact row, name, Unix seconds, amount) into `dir`.
    pub fn write_csv(&self, dir: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        let mut w = BufWriter::new(std::fs::File::create(dir.join("contacts.csv"))?);
        writeln!(
            w,
            "row,id,age,birth_date,city,gender,spend_last_year,signup_date,score,tags,lists"
        )?;
        let mut line = String::new();
        for i in 0..self.len() {
            line.clear();
            let opt = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
            let _ = write!(
                line,
                "{i},{},{},{},{},{},{},{},{},{},{}",
                self.ids[i],
                opt(self.age[i]),
                self.birth_date[i].map(sequenza_date).unwrap_or_default(),
                self.city[i].map(|c| city(c as usize)).unwrap_or_default(),
                self.gender[i].unwrap_or(""),
                opt(self.spend_last_year[i]),
                sequenza_date(self.signup[i]),
                self.score[i],
                self.tags_of(i).collect::<Vec<_>>().join("|"),
                self.lists_of(i).collect::<Vec<_>>().join("|"),
            );
            writeln!(w, "{line}")?;
        }
        w.flush()?;
        let mut w = BufWriter::new(std::fs::File::create(dir.join("events.csv"))?);
        writeln!(w, "contact,name,at,amount")?;
        for (row, t, amount) in &self.orders {
            writeln!(w, "{row},order.placed,{t},{amount}")?;
        }
        for (row, t) in &self.opens {
            writeln!(w, "{row},email.opened,{t},")?;
        }
        w.flush()
    }

    /// The 6-clause segment evaluated directly on the generated columns (an independent count
    /// for checking).
    pub fn segment_count_naive(&self) -> usize {
        let cities: Vec<u8> = (0..100).step_by(10).map(|c| c as u8).collect();
        let lo = NOW_SECS - 90 * DAY;
        let mut recent = vec![false; self.len()];
        for (row, t, _) in &self.orders {
            if *t >= lo && *t <= NOW_SECS {
                recent[*row as usize] = true;
            }
        }
        (0..self.len())
            .filter(|&i| {
                self.city[i].is_some_and(|c| cities.contains(&c))
                    && self.age[i].is_some_and(|a| (25.0..=44.0).contains(&a))
                    && self.tags_of(i).any(|t| SEGMENT_TAGS.contains(&t))
                    && self.spend_last_year[i].is_some_and(|s| s > 200.0)
                    && recent[i]
                    && self.lists[i] & 2 == 0
            })
            .count()
    }
}

/// `YYYY-MM-DD` of a day number.
fn sequenza_date(days: i32) -> String {
    Utc.timestamp_opt(i64::from(days) * DAY, 0)
        .single()
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}
