//! A kept JSON answer with holes where values that move too often to be kept go (a COMS's last seen), filled in at each answer.
//!
//! The answer is serialised once, through a formatter that notes where the value of each live
//! field lies and the id of the object holding it. Answering then copies the bytes between the
//! holes and writes each hole's value of the moment; a page of 20 costs a few copies, not a
//! serialisation.

use std::cell::Cell;
use std::io;
use std::ops::Range;

use axum::body::Bytes;
use serde::Serialize;
use serde_json::ser::{CharEscape, CompactFormatter, Formatter};
use serde_json::Value;

/// Which fields of an answer's objects are live, and which field names the object.
pub struct LiveFields {
    /// A string field of the same object: the id a live value is looked up by.
    pub id_key: &'static str,
    pub fields: &'static [&'static str],
}

/// A serialised answer and its holes.
pub struct LiveJson {
    body: Bytes,
    holes: Vec<Hole>,
}

struct Hole {
    /// Where the value as read lies in `body`.
    at: Range<usize>,
    /// Index into [`LiveFields::fields`].
    field: usize,
    id: String,
}

impl LiveJson {
    /// `value` as JSON; with `live`, the holes of its live fields noted.
    pub fn of<T: Serialize>(value: &T, live: Option<&LiveFields>) -> serde_json::Result<LiveJson> {
        let Some(live) = live else {
            return Ok(LiveJson { body: Bytes::from(serde_json::to_vec(value)?), holes: Vec::new() });
        };
        let written = Cell::new(0);
        let mut noted = Noted::default();
        let mut out = Vec::with_capacity(1024);
        let recorder =
            Recorder { live, written: &written, noted: &mut noted, open: Vec::new(), text: Text::None, value: None };
        value.serialize(&mut serde_json::Serializer::with_formatter(
            Tally { out: &mut out, written: &written },
            recorder,
        ))?;
        let holes = noted
            .holes
            .into_iter()
            .filter_map(|(at, field, object)| Some(Hole { at, field, id: noted.ids[object].clone()? }))
            .collect();
        Ok(LiveJson { body: Bytes::from(out), holes })
    }

    /// Bytes kept, for the cache's budget.
    pub fn bytes(&self) -> usize {
        self.body.len()
    }

    /// The answer with each hole holding `value(field, id)`, or the value as read where that is
    /// `None`.
    pub fn render(&self, mut value: impl FnMut(usize, &str) -> Option<Value>) -> Bytes {
        if self.holes.is_empty() {
            return self.body.clone();
        }
        let mut out = Vec::with_capacity(self.body.len() + 8 * self.holes.len());
        let mut from = 0;
        for hole in &self.holes {
            out.extend_from_slice(&self.body[from..hole.at.start]);
            match value(hole.field, &hole.id) {
                // A Value always serialises.
                Some(v) => serde_json::to_writer(&mut out, &v).unwrap_or_default(),
                None => out.extend_from_slice(&self.body[hole.at.clone()]),
            }
            from = hole.at.end;
        }
        out.extend_from_slice(&self.body[from..]);
        Bytes::from(out)
    }
}

/// The output, counting what is written so the formatter knows where it stands.
struct Tally<'a> {
    out: &'a mut Vec<u8>,
    written: &'a Cell<usize>,
}

impl io::Write for Tally<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.out.extend_from_slice(buf);
        self.written.set(self.written.get() + buf.len());
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[derive(Default)]
struct Noted {
    /// (where, field, object ordinal) of each live value.
    holes: Vec<(Range<usize>, usize, usize)>,
    /// The id of each object, by ordinal.
    ids: Vec<Option<String>>,
}

/// Compact JSON, noting live values and ids on the way.
struct Recorder<'a> {
    live: &'a LiveFields,
    written: &'a Cell<usize>,
    noted: &'a mut Noted,
    /// Per open object: its ordinal and the key being written or last written.
    open: Vec<(usize, String)>,
    text: Text,
    /// The live value under way: (field, start).
    value: Option<(usize, usize)>,
}

/// What string text is being collected.
enum Text {
    None,
    Key,
    Id(String),
}

impl Formatter for Recorder<'_> {
    fn begin_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open.push((self.noted.ids.len(), String::new()));
        self.noted.ids.push(None);
        CompactFormatter.begin_object(writer)
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open.pop();
        CompactFormatter.end_object(writer)
    }

    fn begin_object_key<W: ?Sized + io::Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        if let Some((_, key)) = self.open.last_mut() {
            key.clear();
        }
        self.text = Text::Key;
        CompactFormatter.begin_object_key(writer, first)
    }

    fn end_object_key<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.text = Text::None;
        CompactFormatter.end_object_key(writer)
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        CompactFormatter.begin_object_value(writer)?;
        let key = self.open.last().map(|(_, k)| k.as_str()).unwrap_or_default();
        if key == self.live.id_key {
            self.text = Text::Id(String::new());
        } else if let Some(field) = self.live.fields.iter().position(|f| *f == key) {
            self.value = Some((field, self.written.get()));
        }
        Ok(())
    }

    fn end_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        let object = self.open.last().map(|(o, _)| *o).unwrap_or_default();
        if let Text::Id(id) = std::mem::replace(&mut self.text, Text::None) {
            self.noted.ids[object] = Some(id);
        }
        if let Some((field, start)) = self.value.take() {
            self.noted.holes.push((start..self.written.get(), field, object));
        }
        CompactFormatter.end_object_value(writer)
    }

    fn write_string_fragment<W: ?Sized + io::Write>(&mut self, writer: &mut W, fragment: &str) -> io::Result<()> {
        match &mut self.text {
            Text::Key => {
                if let Some(top) = self.open.last_mut() {
                    top.1.push_str(fragment);
                }
            }
            Text::Id(id) => id.push_str(fragment),
            Text::None => {}
        }
        CompactFormatter.write_string_fragment(writer, fragment)
    }

    fn write_char_escape<W: ?Sized + io::Write>(&mut self, writer: &mut W, escape: CharEscape) -> io::Result<()> {
        // Keys and ids are plain text; an escaped one matches no live field and no id.
        match &mut self.text {
            Text::Key => {
                if let Some(top) = self.open.last_mut() {
                    top.1.push('\\');
                }
            }
            Text::Id(_) => self.text = Text::None,
            Text::None => {}
        }
        CompactFormatter.write_char_escape(writer, escape)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const SEEN: LiveFields = LiveFields { id_key: "cinemaID", fields: &["comsLastSeen"] };

    fn text(b: Bytes) -> String {
        String::from_utf8(b.to_vec()).unwrap()
    }

    #[test]
    fn without_new_values_the_answer_is_the_json_as_serialised() {
        let page = json!({"totalCount": 2, "itemList": [
            {"cinemaID": "a", "name": "一号店", "comsLastSeen": null},
            {"cinemaID": "b", "name": "b", "comsLastSeen": 5},
        ]});
        let kept = LiveJson::of(&page, Some(&SEEN)).unwrap();
        assert_eq!(text(kept.render(|_, _| None)), serde_json::to_string(&page).unwrap());
        assert_eq!(kept.holes.len(), 2, "one hole per object");
    }

    #[test]
    fn each_hole_takes_the_value_of_its_own_object() {
        let page = json!({"totalCount": 2, "itemList": [
            {"cinemaID": "a", "comsLastSeen": null, "name": "x"},
            {"comsLastSeen": 5, "cinemaID": "b"},
        ]});
        let kept = LiveJson::of(&page, Some(&SEEN)).unwrap();
        let now = kept.render(|field, id| (field == 0 && id == "a").then(|| json!(1_700_000_000_000_i64)));
        let want = json!({"totalCount": 2, "itemList": [
            {"cinemaID": "a", "comsLastSeen": 1_700_000_000_000_i64, "name": "x"},
            {"comsLastSeen": 5, "cinemaID": "b"},
        ]});
        assert_eq!(text(now), serde_json::to_string(&want).unwrap(), "the id may come before or after the field");
    }

    #[test]
    fn nested_objects_and_text_that_looks_like_a_field_are_told_apart() {
        let page = json!({"itemList": [{
            "cinemaID": "outer",
            "name": "\"comsLastSeen\":1, \"cinemaID\":\"outer\"",
            "inner": {"cinemaID": "in", "comsLastSeen": 2},
            "comsLastSeen": 3,
        }]});
        let kept = LiveJson::of(&page, Some(&SEEN)).unwrap();
        let now: Value = serde_json::from_slice(&kept.render(|_, id| Some(json!(id.len())))).unwrap();
        let item = &now["itemList"][0];
        assert_eq!(item["name"], page["itemList"][0]["name"], "text is never a hole");
        assert_eq!(
            (item["inner"]["comsLastSeen"].as_u64(), item["comsLastSeen"].as_u64()),
            (Some(2), Some(5)),
            "by own id"
        );
    }
}
