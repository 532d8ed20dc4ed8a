//! The local wall-clock time, for "started at" and the reports' timestamps.
//!
//! `jiff::ZonedDateTime::now()` finds the system time zone through jiff's
//! time zone database, which lists every zone under /usr/share/zoneinfo on
//! first use: some 600 files, a few hundred microseconds of every start
//! (profiled: the largest single cost of `saywhen --virtual-time gather
//! 0:a`). saywhen needs one zone, so it reads just that one: `TZ` when set
//! to `UTC`, else the TZif file `/etc/localtime`, named after its link.
//! Anything else (another `TZ`, no such file) goes to jiff, unchanged.

use jiff::ZonedDateTime;
use jiff::tz::TimeZone;

/// Now, in the local time zone.
pub fn now() -> ZonedDateTime {
    jiff::Timestamp::now().to_zoned_datetime(local_zone())
}

fn local_zone() -> TimeZone {
    match std::env::var_os("TZ") {
        Some(tz) if tz == "UTC" => TimeZone::UTC,
        Some(_) => TimeZone::system(),
        None => etc_localtime().unwrap_or_else(TimeZone::system),
    }
}

#[cfg(unix)]
fn etc_localtime() -> Option<TimeZone> {
    const PATH: &str = "/etc/localtime";
    let bytes = std::fs::read(PATH).ok()?;
    let link = std::fs::read_link(PATH).ok();
    // `/usr/share/zoneinfo/Europe/Paris` is the zone `Europe/Paris`.
    let name = link
        .as_deref()
        .and_then(|target| target.to_str())
        .and_then(|target| target.split_once("zoneinfo/"))
        .map_or("Local", |(_, name)| name);
    TimeZone::tzif(name, &bytes).ok()
}

#[cfg(not(unix))]
fn etc_localtime() -> Option<TimeZone> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_jiff_on_the_offset() {
        let ours = now();
        let jiffs = ZonedDateTime::now();
        assert_eq!(ours.offset(), jiffs.offset());
        assert!((jiffs.timestamp() - ours.timestamp()).as_secs() < 60);
    }
}
