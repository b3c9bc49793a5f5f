/// Calendar fields of an instant in the proleptic Gregorian calendar, computed without
/// Foundation so the full CEL range (years 1 to 9999) works and the cost is a few divisions.
///
/// The day arithmetic is Howard Hinnant's `days_from_civil` / `civil_from_days`.
struct CivilTime: Sendable, Equatable {
    var year: Int64
    /// 1...12
    var month: Int64
    /// 1...31
    var day: Int64
    var hour: Int64
    var minute: Int64
    var second: Int64
    /// 0 = Sunday.
    var weekday: Int64
    /// 0-based day of the year.
    var dayOfYear: Int64

    /// The fields of `seconds` since the Unix epoch (already shifted by any time zone offset).
    init(seconds: Int64) {
        var days = seconds / 86_400
        var rest = seconds % 86_400
        if rest < 0 {
            rest += 86_400
            days -= 1
        }
        hour = rest / 3600
        minute = rest % 3600 / 60
        second = rest % 60
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        day = doy - (153 * mp + 2) / 5 + 1
        month = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        weekday = ((days % 7) + 11) % 7  // 1970-01-01 was a Thursday (4).
        dayOfYear = days - CivilTime.days(year: year, month: 1, day: 1)
    }

    /// Days from 1970-01-01 to the given date.
    static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
