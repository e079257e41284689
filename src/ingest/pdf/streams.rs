//! A PDF's compressed streams, measured before the parser inflates them: a small file whose
//! streams unpack to gigabytes (a "PDF bomb") is refused instead of exhausting memory.

use std::io::Read;

/// Most bytes a PDF's text-bearing streams may unpack to, in total.
pub const UNPACKED_LIMIT: u64 = 1024 * 1024 * 1024;

/// Do the file's Flate streams (other than images, which the text reader never unpacks)
/// unpack to at most `limit` bytes in total? Streams that fail to inflate count as read.
pub fn within_budget(bytes: &[u8], limit: u64) -> bool {
    let mut total: u64 = 0;
    let mut at = 0;
    while let Some(found) = find(&bytes[at..], b"stream") {
        let keyword = at + found;
        at = keyword + b"stream".len();
        // "endstream" also contains "stream"; only a keyword followed by an end of line opens one.
        let start = match bytes.get(at..at + 2) {
            Some([b'\r', b'\n']) => at + 2,
            Some([b'\n', _]) | Some([b'\r', _]) => at + 1,
            _ => continue,
        };
        let dictionary = &bytes[keyword.saturating_sub(1024)..keyword];
        let dictionary = match find_last(dictionary, b"<<") {
            Some(open) => &dictionary[open..],
            None => dictionary,
        };
        if find(dictionary, b"/FlateDecode").is_none() || find(dictionary, b"/Image").is_some() {
            continue;
        }
        let end = find(&bytes[start..], b"endstream").map_or(bytes.len(), |e| start + e);
        let budget = limit.saturating_sub(total) + 1;
        let mut inflater = flate2::read::ZlibDecoder::new(&bytes[start..end]).take(budget);
        total += std::io::copy(&mut inflater, &mut std::io::sink()).unwrap_or(0);
        if total > limit {
            return false;
        }
        at = end;
    }
    true
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn find_last(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn pdf_with_stream(dictionary: &str, unpacked: usize) -> Vec<u8> {
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        z.write_all(&vec![b' '; unpacked]).unwrap();
        let data = z.finish().unwrap();
        let mut pdf = format!(
            "%PDF-1.4\n1 0 obj\n<< {dictionary} /Length {} >>\nstream\n",
            data.len()
        )
        .into_bytes();
        pdf.extend(data);
        pdf.extend(b"\nendstream\nendobj\n%%EOF\n");
        pdf
    }

    #[test]
    fn a_stream_that_unpacks_past_the_budget_is_refused() {
        let pdf = pdf_with_stream("/Filter /FlateDecode", 4 << 20);
        assert!(!within_budget(&pdf, 1 << 20));
        assert!(within_budget(&pdf, 8 << 20));
    }

    #[test]
    fn images_and_uncompressed_streams_are_not_counted() {
        assert!(within_budget(
            &pdf_with_stream("/Subtype /Image /Filter /FlateDecode", 4 << 20),
            1 << 20
        ));
        assert!(within_budget(
            b"%PDF-1.4\n<< /Length 3 >>\nstream\nabc\nendstream\n",
            1
        ));
    }
}
