//! Zip packages (.docx, .odt): open the archive and read named parts within a budget, so a
//! zip bomb is refused instead of filling memory.

use super::ReadError;
use std::io::{Cursor, Read};
use zip::result::ZipError;
use zip::ZipArchive;

/// Most bytes read out of one package, all parts together. Real policies unpack to a few MB;
/// this leaves room for large embedded images that are never read anyway.
pub const MAX_UNPACKED_BYTES: u64 = 200 * 1024 * 1024;

pub struct Package<'a> {
    archive: ZipArchive<Cursor<&'a [u8]>>,
    /// Bytes still allowed to be read.
    budget: u64,
    limit: u64,
    /// "Word" or "OpenDocument", for messages.
    format: &'static str,
}

impl<'a> Package<'a> {
    pub fn open(bytes: &'a [u8], format: &'static str) -> Result<Self, ReadError> {
        Self::open_with_limit(bytes, format, MAX_UNPACKED_BYTES)
    }

    pub fn open_with_limit(
        bytes: &'a [u8],
        format: &'static str,
        limit: u64,
    ) -> Result<Self, ReadError> {
        // Office files with a password, and old .doc files, are OLE compound files, not zips.
        if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
            return Err(ReadError::NotZip {
                format,
                hint: "it is a password-protected or old-style (.doc) Office file; save it without a password in the current format",
            });
        }
        if !bytes.starts_with(b"PK") {
            return Err(ReadError::NotZip {
                format,
                hint: "the file's contents are not a zip archive",
            });
        }
        let archive = ZipArchive::new(Cursor::new(bytes)).map_err(|e| ReadError::NotZip {
            format,
            hint: match e {
                ZipError::UnsupportedArchive(_) => {
                    "the zip archive uses features this tool does not read"
                }
                _ => "the zip archive is damaged or incomplete",
            },
        })?;
        Ok(Package {
            archive,
            budget: limit,
            limit,
            format,
        })
    }

    /// The named part as text, `None` when the package has no such part.
    pub fn part(&mut self, name: &str) -> Result<Option<String>, ReadError> {
        let format = self.format;
        let damaged = |detail: String| ReadError::Damaged { format, detail };
        let mut file = match self.archive.by_name(name) {
            Ok(file) => file,
            Err(ZipError::FileNotFound) => return Ok(None),
            Err(e) => return Err(damaged(format!("{name}: {e}"))),
        };
        if file.encrypted() {
            return Err(damaged(format!("{name} is encrypted")));
        }
        // The declared size may lie; the read itself is what is limited.
        if file.size() > self.budget {
            return Err(ReadError::TooLargeUnpacked { limit: self.limit });
        }
        let mut data = Vec::new();
        file.by_ref()
            .take(self.budget + 1)
            .read_to_end(&mut data)
            .map_err(|e| damaged(format!("{name}: {e}")))?;
        if data.len() as u64 > self.budget {
            return Err(ReadError::TooLargeUnpacked { limit: self.limit });
        }
        self.budget -= data.len() as u64;
        String::from_utf8(data)
            .map(|mut s| {
                if s.starts_with('\u{feff}') {
                    s.remove(0);
                }
                Some(s)
            })
            .map_err(|_| damaged(format!("{name} is not UTF-8 XML")))
    }

    /// The named part, which the format requires.
    pub fn required(&mut self, name: &str) -> Result<String, ReadError> {
        self.part(name)?.ok_or_else(|| ReadError::Damaged {
            format: self.format,
            detail: format!("it has no {name}"),
        })
    }
}

#[cfg(test)]
pub mod tests {
    use super::*;
    use std::io::Write;

    /// A zip of the given parts, stored or deflated, for reader tests.
    pub fn zip_of(parts: &[(&str, &str)]) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut out);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, text) in parts {
            zip.start_file(*name, options).unwrap();
            zip.write_all(text.as_bytes()).unwrap();
        }
        zip.finish().unwrap();
        out.into_inner()
    }

    #[test]
    fn parts_are_read_within_the_budget_and_a_bomb_is_refused() {
        let bytes = zip_of(&[("a.xml", "<a/>"), ("big.xml", &"x".repeat(5000))]);
        let mut pkg = Package::open_with_limit(&bytes, "Word", 1000).unwrap();
        assert_eq!(pkg.part("a.xml").unwrap().as_deref(), Some("<a/>"));
        assert_eq!(pkg.part("missing.xml").unwrap(), None);
        assert_eq!(
            pkg.part("big.xml").unwrap_err(),
            ReadError::TooLargeUnpacked { limit: 1000 }
        );
    }

    #[test]
    fn a_part_that_understates_its_size_is_still_cut_off() {
        // Rewrite the declared uncompressed size (local header and central directory) from
        // 5000 to 10: the read itself must stop, not trust the header.
        let mut bytes = zip_of(&[("big.xml", &"x".repeat(5000))]);
        let real = 5000u32.to_le_bytes();
        let mut patched = 0;
        for i in 0..bytes.len() - 4 {
            let sig = &bytes[i..i + 4];
            let at = match sig {
                b"PK\x03\x04" => i + 22,
                b"PK\x01\x02" => i + 24,
                _ => continue,
            };
            if bytes[at..at + 4] == real {
                bytes[at..at + 4].copy_from_slice(&10u32.to_le_bytes());
                patched += 1;
            }
        }
        assert_eq!(patched, 2);
        let mut pkg = Package::open_with_limit(&bytes, "Word", 1000).unwrap();
        assert_eq!(
            pkg.part("big.xml"),
            Err(ReadError::TooLargeUnpacked { limit: 1000 })
        );
    }

    #[test]
    fn non_zips_are_named_for_what_they_are() {
        let err = |b: &[u8]| Package::open(b, "Word").err().unwrap().to_string();
        assert!(err(b"plain text").contains("not a zip archive"));
        assert!(err(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest").contains("password-protected"));
        assert!(err(b"PK\x03\x04truncated").contains("damaged"));
    }
}
