//! Streaming: raw bytes in chunks → (UTF-16 transcoded to UTF-8) → CSV records, in bounded memory.

use std::io::Read;

use csv_core::{ReadRecordResult, ReaderBuilder};

use super::error::ImportError;
use super::options::{Detected, Encoding, EncodingReason};

const CHUNK: usize = 64 * 1024;

/// The byte source: a prefix already read for sniffing, then the rest of the reader; counts raw
/// bytes and turns UTF-16 into UTF-8.
pub(crate) struct Source<R> {
    prefix: Vec<u8>,
    prefix_pos: usize,
    inner: R,
    inner_eof: bool,
    /// Raw bytes consumed from the file.
    pub(crate) raw_bytes: u64,
    decoder: Option<encoding_rs::Decoder>,
    raw: Vec<u8>,
    /// While the file has been ASCII so far and is read as UTF-8 by default: the bytes of a
    /// UTF-8 sequence cut by the end of the last chunk.
    watch: Option<Vec<u8>>,
    /// Set when the first non-ASCII byte turned out not to be UTF-8: the 8-bit encoding to read
    /// the file in from now on, and the byte's offset.
    pub(crate) switched: Option<(Encoding, u64)>,
}

fn io_error(e: &std::io::Error) -> ImportError {
    ImportError::new(
        crate::error::ImportCode::Io,
        format!("cannot read the file: {e}"),
    )
}

impl<R: Read> Source<R> {
    pub(crate) fn new(prefix: Vec<u8>, inner: R, detected: &Detected) -> Self {
        let decoder = match detected.encoding {
            Encoding::Utf16Le => Some(encoding_rs::UTF_16LE.new_decoder_without_bom_handling()),
            Encoding::Utf16Be => Some(encoding_rs::UTF_16BE.new_decoder_without_bom_handling()),
            _ => None,
        };
        // An all-ASCII prefix read as UTF-8 by default: the first non-ASCII byte past it decides.
        let watch =
            (detected.encoding_reason == EncodingReason::Utf8 && prefix.is_ascii()).then(Vec::new);
        let skip = match (detected.bom, detected.encoding) {
            (true, Encoding::Utf8) => 3,
            (true, _) => 2,
            (false, _) => 0,
        };
        Source {
            prefix_pos: skip.min(prefix.len()),
            raw_bytes: skip.min(prefix.len()) as u64,
            prefix,
            inner,
            inner_eof: false,
            decoder,
            raw: vec![0; CHUNK],
            watch,
            switched: None,
        }
    }

    /// Looks at bytes read past an all-ASCII start: the first non-ASCII byte that is part of a
    /// valid UTF-8 sequence confirms UTF-8; one that is not switches to the 8-bit encoding the
    /// detector guesses from the bytes there. `start` is the offset of `bytes` in the file.
    fn watch(&mut self, bytes: &[u8], start: u64) {
        let Some(mut pending) = self.watch.take() else {
            return;
        };
        // `pending` holds the start of a sequence cut by the end of the last chunk.
        let first = if pending.is_empty() {
            match bytes.iter().position(|b| !b.is_ascii()) {
                Some(i) => i,
                None => {
                    self.watch = Some(pending);
                    return;
                }
            }
        } else {
            0
        };
        let at = start + first as u64 - pending.len() as u64;
        let take = bytes.len().min(first + 4);
        pending.extend_from_slice(&bytes[first..take]);
        match std::str::from_utf8(&pending) {
            // The first non-ASCII character is valid UTF-8: the file is UTF-8.
            Ok(_) => {}
            Err(e) if e.valid_up_to() > 0 => {}
            // Cut by the end of the chunk: the next one decides.
            Err(e) if e.error_len().is_none() => self.watch = Some(pending),
            Err(_) => {
                pending.extend_from_slice(&bytes[take..]);
                self.switch(&pending, at);
            }
        }
    }

    fn switch(&mut self, sample: &[u8], at: u64) {
        self.switched = Some((Encoding::guess_single_byte(sample), at));
    }

    fn read_raw(&mut self, buf: &mut [u8]) -> Result<usize, ImportError> {
        if self.prefix_pos < self.prefix.len() {
            let n = (self.prefix.len() - self.prefix_pos).min(buf.len());
            buf[..n].copy_from_slice(&self.prefix[self.prefix_pos..self.prefix_pos + n]);
            self.prefix_pos += n;
            self.raw_bytes += n as u64;
            return Ok(n);
        }
        if self.inner_eof {
            return Ok(0);
        }
        loop {
            match self.inner.read(buf) {
                Ok(0) => {
                    self.inner_eof = true;
                    if let Some(pending) = self.watch.take().filter(|p| !p.is_empty()) {
                        // The file ends inside a sequence: not UTF-8.
                        let at = self.raw_bytes - pending.len() as u64;
                        self.switch(&pending, at);
                    }
                    return Ok(0);
                }
                Ok(n) => {
                    let start = self.raw_bytes;
                    self.raw_bytes += n as u64;
                    if self.watch.is_some() {
                        self.watch(&buf[..n], start);
                    }
                    return Ok(n);
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(io_error(&e)),
            }
        }
    }

    /// Fills `buf` with CSV bytes (UTF-8 for UTF-16 files); 0 at the end.
    pub(crate) fn read(&mut self, buf: &mut [u8]) -> Result<usize, ImportError> {
        let Some(mut decoder) = self.decoder.take() else {
            return self.read_raw(buf);
        };
        let mut raw = std::mem::take(&mut self.raw);
        // UTF-16 → UTF-8 at most triples a code unit's bytes: read a third of the room.
        let want = (buf.len() / 3).clamp(2, raw.len());
        let result = loop {
            let n = match self.read_raw(&mut raw[..want]) {
                Ok(n) => n,
                Err(e) => break Err(e),
            };
            let last = n == 0;
            let (_, _, written, _) = decoder.decode_to_utf8(&raw[..n], buf, last);
            if written > 0 || last {
                break Ok(written);
            }
        };
        self.raw = raw;
        self.decoder = Some(decoder);
        result
    }
}

/// How a record ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    /// A whole record.
    Complete,
    /// Longer than the row limit; the cells were not kept (only a prefix of the one in progress).
    TooLarge {
        /// The column being read when the limit was reached.
        column: usize,
    },
    /// A quoted cell was still open at the end of the file.
    Unterminated,
}

/// A CSV record reader over a [`Source`].
pub(crate) struct Records<R> {
    pub(crate) source: Source<R>,
    csv: csv_core::Reader,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
    probed: bool,
    done: bool,
    out: Vec<u8>,
    used: usize,
    ends: Vec<usize>,
    nends: usize,
    max_row: usize,
    delimiter: u8,
    /// Bytes of CSV consumed so far.
    pub(crate) offset: u64,
    /// Records read so far (the header included).
    pub(crate) row: u64,
    /// Offset where the current record started.
    pub(crate) record_offset: u64,
    pub(crate) status: Status,
}

impl<R: Read> Records<R> {
    pub(crate) fn new(source: Source<R>, detected: &Detected, max_row: usize) -> Self {
        let csv = ReaderBuilder::new()
            .delimiter(detected.delimiter as u8)
            .quote(detected.quote as u8)
            .build();
        Records {
            source,
            csv,
            buf: vec![0; CHUNK],
            start: 0,
            end: 0,
            eof: false,
            probed: false,
            done: false,
            out: vec![0; 1024.min(max_row.max(1))],
            used: 0,
            ends: vec![0; 64],
            nends: 0,
            max_row: max_row.max(1),
            delimiter: detected.delimiter as u8,
            offset: 0,
            row: 0,
            record_offset: 0,
            status: Status::Complete,
        }
    }

    /// The cells of the last record read.
    pub(crate) fn cells(&self) -> impl Iterator<Item = &[u8]> + '_ {
        let mut prev = 0;
        self.ends[..self.nends].iter().map(move |&e| {
            let e = e.min(self.used);
            let cell = &self.out[prev.min(e)..e];
            prev = e;
            cell
        })
    }

    /// How many cells the last record has.
    pub(crate) fn len(&self) -> usize {
        self.nends
    }

    /// The cells of the last record joined by the delimiter, for raw values of broken records.
    pub(crate) fn raw(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.used + self.nends);
        if self.nends == 0 {
            out.extend_from_slice(&self.out[..self.used]);
            return out;
        }
        for (i, c) in self.cells().enumerate() {
            if i > 0 {
                out.push(self.delimiter);
            }
            out.extend_from_slice(c);
        }
        // A record cut by the size limit keeps the prefix of the cell in progress.
        let last = self.ends[self.nends - 1];
        out.extend_from_slice(&self.out[last.min(self.used)..self.used]);
        out
    }

    /// Reads the next record; `false` at the end of the file.
    pub(crate) fn next(&mut self) -> Result<bool, ImportError> {
        if self.done {
            return Ok(false);
        }
        self.used = 0;
        self.nends = 0;
        self.status = Status::Complete;
        let mut discarding = false;
        let mut scratch = [0u8; 4096];
        let mut scratch_ends = [0usize; 64];
        let mut started = false;
        loop {
            if self.start == self.end && !self.eof {
                let n = self.source.read(&mut self.buf)?;
                self.start = 0;
                self.end = n;
                if n == 0 {
                    self.eof = true;
                }
            }
            // At the end, a newline probe tells an open quote (it swallows the newline) from a
            // record that merely lacks its final newline (the newline ends it).
            let probe: &[u8] = b"\n";
            let input: &[u8] = if !self.eof {
                &self.buf[self.start..self.end]
            } else if !self.probed {
                probe
            } else {
                &[]
            };
            let (res, nin, nout, nend) = if discarding {
                self.csv.read_record(input, &mut scratch, &mut scratch_ends)
            } else {
                self.csv.read_record(
                    input,
                    &mut self.out[self.used..],
                    &mut self.ends[self.nends..],
                )
            };
            if !started && (nin > 0 && !input.is_empty()) {
                started = true;
                self.record_offset = self.offset;
            }
            if !self.eof {
                self.start += nin;
                self.offset += nin as u64;
            } else if !self.probed {
                self.probed = true;
                if res == ReadRecordResult::InputEmpty && nout > 0 {
                    self.status = Status::Unterminated;
                }
            }
            if !discarding {
                // csv-core writes end positions as if the row were one buffer.
                self.used += nout;
                self.nends += nend;
            }
            match res {
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull => {
                    if !discarding && self.out.len() < self.max_row {
                        let len = (self.out.len() * 2).min(self.max_row);
                        self.out.resize(len, 0);
                    } else if !discarding {
                        discarding = true;
                        self.status = Status::TooLarge { column: self.nends };
                    }
                }
                ReadRecordResult::OutputEndsFull => {
                    if !discarding && self.ends.len() < self.max_row {
                        let len = self.ends.len() * 2;
                        self.ends.resize(len, 0);
                    } else if !discarding {
                        discarding = true;
                        self.status = Status::TooLarge { column: self.nends };
                    }
                }
                ReadRecordResult::Record => {
                    if self.status == Status::Unterminated {
                        // Drop the probe newline from the open cell.
                        if self.nends > 0 && self.used > 0 && self.out[self.used - 1] == b'\n' {
                            let last = self.nends - 1;
                            if self.ends[last] == self.used {
                                self.ends[last] -= 1;
                            }
                            self.used -= 1;
                        }
                    }
                    self.row += 1;
                    return Ok(true);
                }
                ReadRecordResult::End => {
                    self.done = true;
                    return Ok(false);
                }
            }
        }
    }
}
