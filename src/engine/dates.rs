//! Dates as policies write them: 2025-09-01, 1 September 2025, Sept 2025, September 1st, 2025,
//! 01/09/2025 (day first, as in the UK), and a bare year when nothing fuller is given.

use chrono::NaiveDate;
use regex::Regex;
use std::sync::LazyLock;

const MONTH: &str = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?";

static ISO: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b((?:19|20)\d{2})-(\d{1,2})-(\d{1,2})\b").expect("valid"));
static NUMERIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(\d{1,2})[/.](\d{1,2})[/.]((?:19|20)?\d{2})\b").expect("valid")
});
static DAY_MONTH_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b(?:(\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?\s+)?{MONTH}\s*,?\s+((?:19|20)\d{{2}})\b"
    ))
    .expect("valid")
});
static MONTH_DAY_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b{MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+((?:19|20)\d{{2}})\b"
    ))
    .expect("valid")
});
static YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b((?:19|20)\d{2})\b").expect("valid"));

/// Every date in `text`. A month without a day counts as its last day, a bare year as
/// 31 December: a review "in March 2025" was done by the end of March.
pub fn find_dates(text: &str) -> Vec<NaiveDate> {
    let mut dates = Vec::new();
    for c in ISO.captures_iter(text) {
        push(&mut dates, num(&c[1]), num(&c[2]), Some(num(&c[3])));
    }
    for c in NUMERIC.captures_iter(text) {
        let mut year = num(&c[3]);
        if year < 100 {
            year += 2000;
        }
        push(&mut dates, year, num(&c[2]), Some(num(&c[1])));
    }
    for c in DAY_MONTH_YEAR.captures_iter(text) {
        let day = c.get(1).map(|d| num(d.as_str()));
        push(&mut dates, num(&c[3]), month_number(&c[2]), day);
    }
    for c in MONTH_DAY_YEAR.captures_iter(text) {
        push(
            &mut dates,
            num(&c[3]),
            month_number(&c[1]),
            Some(num(&c[2])),
        );
    }
    if dates.is_empty() {
        for c in YEAR.captures_iter(text) {
            push(&mut dates, num(&c[1]), 12, Some(31));
        }
    }
    dates.sort();
    dates.dedup();
    dates
}

fn num(s: &str) -> u32 {
    s.parse().unwrap_or(0)
}

fn push(dates: &mut Vec<NaiveDate>, year: u32, month: u32, day: Option<u32>) {
    let Ok(year) = i32::try_from(year) else {
        return;
    };
    let date = match day {
        Some(d) => NaiveDate::from_ymd_opt(year, month, d),
        None => NaiveDate::from_ymd_opt(year, month, 1)
            .and_then(|first| first.checked_add_months(chrono::Months::new(1)))
            .and_then(|next| next.pred_opt()),
    };
    dates.extend(date);
}

fn month_number(name: &str) -> u32 {
    let n = name.to_ascii_lowercase();
    const NAMES: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    NAMES
        .iter()
        .position(|m| n.starts_with(m))
        .map_or(0, |i| i as u32 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn reads_the_common_forms() {
        assert_eq!(find_dates("Reviewed 2025-09-01"), vec![d(2025, 9, 1)]);
        assert_eq!(
            find_dates("Next review: 1st September 2026"),
            vec![d(2026, 9, 1)]
        );
        assert_eq!(find_dates("Last updated Sept 2024"), vec![d(2024, 9, 30)]);
        assert_eq!(find_dates("Approved 03/02/2023"), vec![d(2023, 2, 3)]);
        assert_eq!(find_dates("Adopted March 4, 2022"), vec![d(2022, 3, 4)]);
        assert_eq!(find_dates("Review due 2027"), vec![d(2027, 12, 31)]);
    }

    #[test]
    fn an_impossible_date_falls_back_to_its_year() {
        assert_eq!(find_dates("31/02/2024"), vec![d(2024, 12, 31)]);
        assert!(find_dates("no dates here").is_empty());
    }
}
