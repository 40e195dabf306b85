// A day typed and shown in the shop's way of writing dates ("06/12/2026" in en-GB, "12/06/2026"
// in en-US, "06.12.2026" in de-DE), whatever language the window's own date picker speaks. The
// till takes and stores days as YYYY-MM-DD; that is also always accepted as typed.

import { shopLocale } from "./locale";

type Part = "day" | "month" | "year";

/** How `locale` writes a day in figures: the order of its parts and what goes between them. */
export function dayPattern(locale: string | undefined = shopLocale()): { order: Part[]; separator: string; placeholder: string } {
  const parts = new Intl.DateTimeFormat(locale, { day: "2-digit", month: "2-digit", year: "numeric", timeZone: "UTC" })
    .formatToParts(new Date(Date.UTC(2026, 11, 6)));
  const order = parts.filter((p) => p.type === "day" || p.type === "month" || p.type === "year").map((p) => p.type as Part);
  const separator = parts.find((p) => p.type === "literal")?.value ?? "/";
  const letters: Record<Part, string> = { day: "DD", month: "MM", year: "YYYY" };
  return { order, separator, placeholder: order.map((p) => letters[p]).join(separator) };
}

/** "2026-12-06" as `locale` writes it in figures ("06/12/2026" in en-GB); anything else as it came. */
export function formatDayField(day: string, locale: string | undefined = shopLocale()): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return day;
  const { order, separator } = dayPattern(locale);
  const value: Record<Part, string> = { year: m[1], month: m[2], day: m[3] };
  return order.map((p) => value[p]).join(separator);
}

/** A typed day as YYYY-MM-DD: in `locale`'s order of day, month and year (any separator; a
 * two-figure year is this century's), or already as YYYY-MM-DD. Null for what is no real day. */
export function parseDayField(text: string, locale: string | undefined = shopLocale()): string | null {
  const t = text.trim();
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
  let year: number, month: number, day: number;
  if (iso) {
    [year, month, day] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  } else {
    const groups = t.split(/[^0-9]+/).filter((g) => g !== "");
    if (groups.length !== 3) return null;
    const { order } = dayPattern(locale);
    const got: Record<Part, string> = { day: "", month: "", year: "" };
    order.forEach((p, i) => (got[p] = groups[i]));
    if (got.year.length !== 2 && got.year.length !== 4) return null;
    if (got.day.length > 2 || got.month.length > 2) return null;
    year = Number(got.year.length === 2 ? `20${got.year}` : got.year);
    month = Number(got.month);
    day = Number(got.day);
  }
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null;
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** The day `days` after (or before) "YYYY-MM-DD". */
export function addDays(day: string, days: number): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return day;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + days));
  return d.toISOString().slice(0, 10);
}
