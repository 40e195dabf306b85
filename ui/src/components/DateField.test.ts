// @vitest-environment jsdom
// The date field of the back office: a day typed and shown in the shop's way of writing dates,
// whatever language the window's own date picker would speak.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { useLocale } from "../lib/locale";
import { $, cleanupScreen, mountScreen, press, setValue, settle, text } from "../test/screen";

const { default: DateField } = await import("./DateField.svelte");

const onchange = vi.fn();
const field = () => $("[data-testid=day]") as HTMLInputElement;
const start = (value: string) => mountScreen(DateField, { id: "day", value, onchange, testid: "day" });

beforeEach(() => {
  onchange.mockReset();
  useLocale("en-GB");
});
afterEach(() => {
  cleanupScreen();
  useLocale(null);
});

describe("DateField", () => {
  it("shows the day in the shop's figures with the day in words beside it", async () => {
    await start("2026-12-06");
    expect(field().value).toBe("06/12/2026");
    expect(field().placeholder).toBe("DD/MM/YYYY");
    expect(text("[data-testid=day-words]")).toBe("Sun, 6 Dec 2026");
    expect(field().getAttribute("aria-describedby")).toBe("day-words");
  });

  it("reads a day typed in the shop's order and hands it on once", async () => {
    await start("2026-12-06");
    setValue(field(), "1/2/2026");
    await settle();
    expect(field().dataset.day).toBe("2026-02-01");
    expect(field().value).toBe("01/02/2026");
    expect(onchange).toHaveBeenCalledTimes(1);
  });

  it("says what is no real day, in the shop's pattern, and sends nothing", async () => {
    await start("2026-12-06");
    setValue(field(), "31/02/2026");
    await settle();
    expect(text("[data-testid=day-unreadable]")).toBe("Write the day as DD/MM/YYYY.");
    expect(field().getAttribute("aria-invalid")).toBe("true");
    expect(field().dataset.day).toBe("2026-12-06");
    expect(onchange).not.toHaveBeenCalled();
  });

  it("steps a day with the arrow keys", async () => {
    await start("2026-12-31");
    field().focus();
    expect(press("ArrowUp", field()).defaultPrevented).toBe(true);
    await settle();
    expect(field().dataset.day).toBe("2027-01-01");
    expect(field().value).toBe("01/01/2027");
    press("ArrowDown", field());
    press("ArrowDown", field());
    await settle();
    expect(field().dataset.day).toBe("2026-12-30");
    expect(onchange).toHaveBeenCalledTimes(3);
  });

  it("writes the day the American way for an American shop", async () => {
    useLocale("en-US");
    await start("2026-12-06");
    expect(field().value).toBe("12/06/2026");
    setValue(field(), "12/7/2026");
    await settle();
    expect(field().dataset.day).toBe("2026-12-07");
  });
});
