// The shift's words and where the till's refusals of cash actions and closes go on their forms.
import { describe, expect, it, vi } from "vitest";

vi.mock("./api", () => ({}));
const { closeErrorField, moveErrorField, openedLabel, varianceWord } = await import("./shift.svelte");

const err = (code: string, message = "") => ({ code, message });

describe("the shift at the till", () => {
  it("says an opening today by its time, another day's with the date", () => {
    const now = new Date(2026, 11, 8, 15, 0);
    expect(openedLabel(new Date(2026, 11, 8, 9, 2).toISOString(), now, "en-GB")).toBe("09:02");
    expect(openedLabel(new Date(2026, 11, 7, 9, 2).toISOString(), now, "en-GB")).toBe("7 Dec 2026, 09:02");
    expect(openedLabel("not a time", now)).toBe("not a time");
  });

  it("names over, short and exact", () => {
    expect([varianceWord(50), varianceWord(-1), varianceWord(0)]).toEqual(["Over", "Short", "Exact"]);
  });

  it("puts a cash action's refusal on the amount or the reason", () => {
    expect(moveErrorField(err("more_than_in_drawer"))).toBe("amount");
    expect(moveErrorField(err("invalid_input", "amount: not a number"))).toBe("amount");
    expect(moveErrorField(err("bad_text", "reason: too long"))).toBe("reason");
    expect(moveErrorField(err("no_shift_open"))).toBeNull();
  });

  it("puts a close's refusal on the count, the float left or the note", () => {
    expect(closeErrorField(err("bad_count", "'0.20=x': not a number"))).toBe("count");
    expect(closeErrorField(err("float_above_counted"))).toBe("float");
    expect(closeErrorField(err("invalid_input", "float left: not an amount"))).toBe("float");
    expect(closeErrorField(err("note_required"))).toBe("note");
    expect(closeErrorField(err("bad_text", "note: too long"))).toBe("note");
    expect(closeErrorField(err("card_in_progress"))).toBeNull();
  });
});
