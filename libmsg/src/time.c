/*
 * RFC 3339 timestamps <-> microseconds since the epoch. Pure arithmetic on
 * the proleptic Gregorian calendar (days-from-civil), so neither the process
 * time zone nor the locale can change a result.
 */
#include <msg/backend.h>

#include <string.h>

#define MICROS_PER_DAY INT64_C(86400000000)
/* 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z */
#define MIN_MICROS INT64_C(-62135596800000000)
#define MAX_MICROS INT64_C(253402300799999999)

static int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int64_t *m, int64_t *d) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp + (mp < 10 ? 3 : -9);
  *y = yoe + era * 400 + (*m <= 2);
}

static int days_in_month(int64_t y, int64_t m) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : days[m - 1];
}

/* Writes `v` (0 <= v < 10^n) as exactly `n` decimal digits; returns the end. */
static char *put_digits(char *p, int64_t v, int n) {
  for (int i = n - 1; i >= 0; i--) {
    p[i] = (char)('0' + v % 10);
    v /= 10;
  }
  return p + n;
}

MSG_EXTERN int msg_time_format(char *buf, size_t size, int64_t micros, msg_error *err) {
  if (!buf || size < MSG_TIME_TEXT_SIZE)
    return msg_error_set(err, MSG_ERR_INVALID, NULL, "the buffer must hold %d bytes",
                         MSG_TIME_TEXT_SIZE);
  if (micros < MIN_MICROS || micros > MAX_MICROS)
    return msg_error_set(err, MSG_ERR_INVALID, NULL, "time is outside years 0001 to 9999");
  int64_t days = micros / MICROS_PER_DAY, rem = micros % MICROS_PER_DAY;
  if (rem < 0) {
    rem += MICROS_PER_DAY;
    days--;
  }
  int64_t y, m, d;
  civil_from_days(days, &y, &m, &d);
  int64_t secs = rem / 1000000;
  /* Written digit by digit: snprintf took most of the time of formatting a
   * page of messages (msg-server prints one time per message). */
  char *p = buf;
  p = put_digits(p, y, 4);
  *p++ = '-';
  p = put_digits(p, m, 2);
  *p++ = '-';
  p = put_digits(p, d, 2);
  *p++ = 'T';
  p = put_digits(p, secs / 3600, 2);
  *p++ = ':';
  p = put_digits(p, secs / 60 % 60, 2);
  *p++ = ':';
  p = put_digits(p, secs % 60, 2);
  *p++ = '.';
  p = put_digits(p, rem % 1000000, 6);
  *p++ = 'Z';
  *p = '\0';
  return MSG_OK;
}

/* Reads exactly `n` digits at *p. */
static int digits(const char **p, int n, int64_t *out) {
  int64_t v = 0;
  for (int i = 0; i < n; i++) {
    char c = (*p)[i];
    if (c < '0' || c > '9')
      return 0;
    v = v * 10 + (c - '0');
  }
  *p += n;
  *out = v;
  return 1;
}

static int expect(const char **p, char a, char b) {
  if (**p != a && **p != b)
    return 0;
  (*p)++;
  return 1;
}

MSG_EXTERN int msg_time_parse(int64_t *out, const char *text, msg_error *err) {
  const char *p = text;
  int64_t y, mo, d, h, mi, s, frac = 0, oh = 0, om = 0;
  int ok = out && p && digits(&p, 4, &y) && expect(&p, '-', '-') && digits(&p, 2, &mo) &&
           expect(&p, '-', '-') && digits(&p, 2, &d) && expect(&p, 'T', 't') && digits(&p, 2, &h) &&
           expect(&p, ':', ':') && digits(&p, 2, &mi) && expect(&p, ':', ':') && digits(&p, 2, &s);
  if (ok && *p == '.') {
    p++;
    int n = 0;
    while (p[n] >= '0' && p[n] <= '9')
      n++;
    ok = n >= 1 && n <= 6 && digits(&p, n, &frac);
    for (int i = n; ok && i < 6; i++)
      frac *= 10;
  }
  int sign = 0;
  if (ok && (*p == 'Z' || *p == 'z')) {
    p++;
  } else if (ok && (*p == '+' || *p == '-')) {
    sign = *p == '+' ? 1 : -1;
    p++;
    ok = digits(&p, 2, &oh) && expect(&p, ':', ':') && digits(&p, 2, &om) && oh <= 23 && om <= 59;
  } else {
    ok = 0;
  }
  ok = ok && *p == '\0' && y >= 1 && mo >= 1 && mo <= 12 && d >= 1 && d <= days_in_month(y, mo) &&
       h <= 23 && mi <= 59 && s <= 59;
  if (!ok)
    return msg_error_set(err, MSG_ERR_INVALID, NULL,
                         "time must be RFC 3339, e.g. 2026-11-28T22:05:26.123456Z");
  int64_t micros = days_from_civil(y, mo, d) * MICROS_PER_DAY + ((h * 60 + mi) * 60 + s) * 1000000 +
                   frac - sign * (oh * 60 + om) * 60 * 1000000;
  if (micros < MIN_MICROS || micros > MAX_MICROS)
    return msg_error_set(err, MSG_ERR_INVALID, NULL, "time is outside years 0001 to 9999");
  *out = micros;
  return MSG_OK;
}
