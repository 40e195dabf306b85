import { describe, expect, it } from "vitest";
import { addDays, dayPattern, formatDayField, parseDayField } from "./dates";

describe("days in the shop's way of writing them", () => {
  it("knows each locale's order of day, month and year", () => {
    expect(dayPattern("en-GB").placeholder).toBe("DD/MM/YYYY");
    expect(dayPattern("en-US").placeholder).toBe("MM/DD/YYYY");
    expect(dayPattern("de-DE").placeholder).toBe("DD.MM.YYYY");
    expect(dayPattern("ja-JP").placeholder).toBe("YYYY/MM/DD");
  });

  it("shows a day in the locale's figures, never the other way round", () => {
    expect(formatDayField("2026-12-06", "en-GB")).toBe("06/12/2026");
    expect(formatDayField("2026-12-06", "en-US")).toBe("12/06/2026");
    expect(formatDayField("2026-12-06", "de-DE")).toBe("06.12.2026");
    expect(formatDayField("", "en-GB")).toBe("");
  });

  it("reads what was typed in the locale's order, or as the till writes days", () => {
    expect(parseDayField("6/12/2026", "en-GB")).toBe("2026-12-06");
    expect(parseDayField("12/6/2026", "en-US")).toBe("2026-12-06");
    expect(parseDayField("6.12.26", "de-DE")).toBe("2026-12-06");
    expect(parseDayField(" 2026-12-06 ", "en-US")).toBe("2026-12-06");
    expect(parseDayField("06 12 2026", "fr-FR")).toBe("2026-12-06");
  });

  it("refuses what is no real day", () => {
    expect(parseDayField("31/02/2026", "en-GB")).toBeNull();
    expect(parseDayField("13/13/2026", "en-GB")).toBeNull();
    expect(parseDayField("12/2026", "en-GB")).toBeNull();
    expect(parseDayField("tomorrow", "en-GB")).toBeNull();
    expect(parseDayField("1/1/123", "en-GB")).toBeNull();
  });

  it("steps a day at a time across months and years", () => {
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
  });
});
