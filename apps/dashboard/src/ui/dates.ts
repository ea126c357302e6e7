/**
 * Every date the dashboard shows is written one way: in the practice's locale
 * and, for moments in time, its time zone. The shell sets both once the
 * signed-in person's practice is known.
 */
let locale = 'en-US';
let timeZone: string | undefined;

export function setPracticeFormat(practice: { locale: string; timezone: string }): void {
  locale = practice.locale;
  timeZone = practice.timezone;
}

/** The practice's locale, for other words written the practice's way (language names). */
export const practiceLocale = () => locale;

const DATE: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'short', year: 'numeric' };
const isDateOnly = (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value);

/** A calendar date (2026-11-28) or the day of a moment (an ISO timestamp, in the practice's time zone). */
export function formatDate(value: string): string {
  if (isDateOnly(value)) return new Date(`${value}T12:00:00Z`).toLocaleDateString(locale, { ...DATE, timeZone: 'UTC' });
  return new Date(value).toLocaleDateString(locale, { ...DATE, timeZone });
}

/** A moment: its day as formatDate writes it, and the time of day. */
export function formatDateTime(iso: string): string {
  return new Date(iso).toLocaleString(locale, { ...DATE, hour: 'numeric', minute: '2-digit', timeZone });
}

/** Today in the practice's time zone, as YYYY-MM-DD (the bound of date inputs). */
export function practiceToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}
