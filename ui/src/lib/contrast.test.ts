// The focus ring is seen against whatever is behind it: at least 3:1 (WCAG 1.4.11) against every
// background colour the stylesheets give a page, panel, banner or chosen control.
import { describe, expect, it } from "vitest";

/** Every stylesheet and component of the UI, as text. */
const SOURCES = import.meta.glob<string>(["../**/*.svelte", "../**/*.css"], { query: "?raw", import: "default", eager: true });

function luminance(hex: string): number {
  const n = hex.replace("#", "");
  const full = n.length === 3 ? [...n].map((c) => c + c).join("") : n;
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16) / 255);
  const lin = (c: number) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

describe("the focus ring", () => {
  const css = SOURCES["../app.css"];
  const vars = Object.fromEntries([...css.matchAll(/--([a-z-]+):\s*(#[0-9a-fA-F]{3,6})/g)].map((m) => [m[1], m[2]]));
  const focus = vars.focus;

  it("is at least 3:1 against every light background in the stylesheets", () => {
    // Every background colour written anywhere, light ones (the ring sits outside the control,
    // on what surrounds it: the page, a panel, a banner, a dialog).
    const backgrounds = new Set<string>([vars.bg, vars.panel, "#ffffff"]);
    for (const text of Object.values(SOURCES)) {
      for (const m of text.matchAll(/background(?:-color)?:\s*(#[0-9a-fA-F]{3,6})\b/g)) {
        if (luminance(m[1]) > 0.5) backgrounds.add(m[1].toLowerCase());
      }
    }
    const weak = [...backgrounds].filter((bg) => contrast(focus, bg) < 3).map((bg) => `${bg} ${contrast(focus, bg).toFixed(2)}:1`);
    expect(weak).toEqual([]);
    expect(backgrounds.size).toBeGreaterThan(5);
  });

  it("was too faint before (the amber of old: 1.95:1 on the page)", () => {
    expect(contrast("#f59e0b", "#f3f4f6")).toBeLessThan(3);
  });
});
