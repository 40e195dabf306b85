// @vitest-environment jsdom
import { describe, expect, it } from "vitest";
import { shopLocale, useLocale } from "./locale";

describe("the shop's locale", () => {
  it("is the page's language, and the page stays in a real language without one", () => {
    useLocale("de-DE");
    expect(shopLocale()).toBe("de-DE");
    expect(document.documentElement.lang).toBe("de-DE");
    useLocale(null);
    expect(shopLocale()).toBeUndefined();
    expect(document.documentElement.lang).toBe("en");
  });
});
