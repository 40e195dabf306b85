// Helpers for component tests that mount one screen into jsdom's document and drive it the way
// a person at the till would: typing, pressing keys, clicking, then letting the screen settle.
import { vi, type Mock } from "vitest";
import { flushSync, mount, tick, unmount, type Component } from "svelte";
import type { Shop } from "../lib/types";

let app: ReturnType<typeof mount> | undefined;

/** Lets stubbed till answers arrive and the screen redraw. */
export async function settle() {
  for (let i = 0; i < 6; i++) {
    await tick();
    await Promise.resolve();
  }
  flushSync();
}

export const $ = (sel: string) => document.querySelector<HTMLElement>(sel);
export const $$ = (sel: string) => [...document.querySelectorAll<HTMLElement>(sel)];
export const input = (sel: string) => $(sel) as HTMLInputElement;
/** The text of the first match, with runs of whitespace made one space and the ends trimmed. */
export const text = (sel: string) => $(sel)?.textContent?.replace(/\s+/g, " ").trim();

function element<T extends HTMLElement>(target: string | T): T {
  const el = typeof target === "string" ? $(target) : target;
  if (!el) throw new Error(`nothing matches ${target}`);
  return el as T;
}

/** Sends a keydown to `target` (by default whatever has focus) and returns it, to check `defaultPrevented`. */
export function press(
  key: string,
  target: EventTarget = document.activeElement ?? window,
  opts: KeyboardEventInit = {},
) {
  const e = new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true, ...opts });
  target.dispatchEvent(e);
  return e;
}

/** Puts `value` into a text field as typing would, and redraws. */
export function type(target: string | HTMLInputElement | HTMLTextAreaElement, value: string) {
  const el = element(target);
  el.value = value;
  el.dispatchEvent(new Event("input", { bubbles: true }));
  flushSync();
}

/** Types `value` into a field and leaves it, as date and number fields are read on change. */
export function setValue(target: string | HTMLInputElement, value: string) {
  const el = element(target);
  el.value = value;
  el.dispatchEvent(new Event("input", { bubbles: true }));
  el.dispatchEvent(new Event("change", { bubbles: true }));
}

/** Picks `value` in a drop-down. */
export function choose(target: string | HTMLSelectElement, value: string) {
  const el = element(target);
  el.value = value;
  el.dispatchEvent(new Event("change", { bubbles: true }));
}

export async function click(target: string | HTMLElement) {
  element(target).click();
  await settle();
}

export async function submit(target: string | HTMLFormElement) {
  element(target).dispatchEvent(new Event("submit", { bubbles: true, cancelable: true }));
  await settle();
}

/** Mounts `component` as the only thing on the page and waits for its first answers. */
export async function mountScreen<Props extends Record<string, any>>(component: Component<Props>, props: Props) {
  app = mount(component, { target: document.body, props });
  await settle();
}

/** Unmounts the screen, empties the page and puts real timers back. */
export function cleanupScreen() {
  if (app) unmount(app);
  app = undefined;
  document.body.innerHTML = "";
  vi.useRealTimers();
}

/** Fakes only the timers behind typing pauses, so tests move them on by hand. */
export function fakeTimeouts() {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
}

/** Resets every mock in a stubbed api module (other members are left alone). */
export function resetMocks(api: Record<string, unknown>) {
  for (const f of Object.values(api)) if (vi.isMockFunction(f)) (f as Mock).mockReset();
}

/** jsdom has <dialog> without the modal API. */
export function installDialogPolyfill() {
  HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
    this.setAttribute("open", "");
  };
  HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
    this.removeAttribute("open");
  };
}

/** A promise the test settles by hand, to make an answer arrive late. */
export function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** A small GBP shop selling tax-inclusive, with the given changes. */
export function testShop(over: Partial<Shop> = {}): Shop {
  return {
    name: "Test shop", currency: "GBP", exponent: 2, till_id: "T1", tax_mode: "inclusive", cash_rounding: 1,
    loyalty: { earn_per_major: 1, redeem_per_major: 100 }, tax_rates: [], default_tax_rate: "standard",
    low_stock_level: 5, lock_minutes: 5, locale: null, time_zone: null, discount_limit: 1000, card_reader: null, nfc_reader: null,
    update_install: "next_start", update_url: null, demo: false,
    receipt: { address: null, phone: null, tax_number: null, footer: null, auto_print: "always", has_logo: false }, printer: null, cash_note_over: null, cash_approve_over: null, blind_count: true,
    ...over,
  };
}
