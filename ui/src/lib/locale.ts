// One way of writing dates, times and numbers for the whole shop: the shop's locale setting
// ("en-GB", "de-DE"…), or the computer's when none is set. Every screen formats through here.

let current: string | undefined;

/** The locales a shop can choose, as the till knows them (crates/store/src/shop.rs, LOCALES). */
export const LOCALES: readonly { value: string; label: string }[] = [
  { value: "", label: "As the computer is set up" },
  { value: "en-GB", label: "English (United Kingdom)" },
  { value: "en-US", label: "English (United States)" },
  { value: "en-IE", label: "English (Ireland)" },
  { value: "en-AU", label: "English (Australia)" },
  { value: "en-CA", label: "English (Canada)" },
  { value: "de-DE", label: "Deutsch (Deutschland)" },
  { value: "de-AT", label: "Deutsch (Österreich)" },
  { value: "de-CH", label: "Deutsch (Schweiz)" },
  { value: "fr-FR", label: "Français (France)" },
  { value: "fr-CA", label: "Français (Canada)" },
  { value: "es-ES", label: "Español (España)" },
  { value: "it-IT", label: "Italiano (Italia)" },
  { value: "nl-NL", label: "Nederlands (Nederland)" },
  { value: "ja-JP", label: "日本語 (日本)" },
];

/** Uses the shop's locale from now on (null: the computer's). */
export function useLocale(locale: string | null | undefined) {
  current = locale || undefined;
  // The page's language: the shop's, else as the page was written (never the computer's raw
  // setting, which can be "c" or "C.UTF-8" and is no language).
  if (typeof document !== "undefined") document.documentElement.lang = current ?? "en";
}

/** The shop's locale, or undefined for the computer's (as Intl takes it). */
export function shopLocale(): string | undefined {
  return current;
}
