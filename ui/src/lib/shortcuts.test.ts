import { describe, expect, it } from "vitest";
import { actionFor, lineActionFor, moveHighlight, SHORTCUT_LABELS } from "./shortcuts";

describe("actionFor", () => {
  it("maps the function keys", () => {
    expect(actionFor({ key: "F2" })).toBe("search");
    expect(actionFor({ key: "F4" })).toBe("customer");
    expect(actionFor({ key: "F8" })).toBe("park");
    expect(actionFor({ key: "F9" })).toBe("parked");
    expect(actionFor({ key: "F12" })).toBe("pay");
    expect(actionFor({ key: "F5" })).toBe("card");
    expect(actionFor({ key: "F3" })).toBe("cart");
    expect(actionFor({ key: "Escape" })).toBe("close");
  });
  it("pays on Ctrl+Enter but not on a plain Enter", () => {
    expect(actionFor({ key: "Enter", ctrlKey: true })).toBe("pay");
    expect(actionFor({ key: "Enter", metaKey: true })).toBe("pay");
    expect(actionFor({ key: "Enter" })).toBeNull();
  });
  it("leaves letters and modified function keys alone", () => {
    expect(actionFor({ key: "a" })).toBeNull();
    expect(actionFor({ key: "F2", altKey: true })).toBeNull();
    expect(actionFor({ key: "F4", ctrlKey: true })).toBeNull();
  });
  it("has a label for every action that matches its key", () => {
    for (const [action, label] of Object.entries(SHORTCUT_LABELS)) {
      const key = label === "Esc" ? "Escape" : label;
      expect(actionFor({ key }), label).toBe(action);
    }
  });
});

describe("lineActionFor", () => {
  it("maps +/− and Delete on a focused line", () => {
    expect(lineActionFor({ key: "+" })).toBe("increment");
    expect(lineActionFor({ key: "=" })).toBe("increment");
    expect(lineActionFor({ key: "-" })).toBe("decrement");
    expect(lineActionFor({ key: "Delete" })).toBe("remove");
    expect(lineActionFor({ key: "%" })).toBe("discount");
    expect(lineActionFor({ key: "*" })).toBe("price");
    expect(lineActionFor({ key: "x" })).toBeNull();
    expect(lineActionFor({ key: "-", ctrlKey: true })).toBeNull();
  });
});

describe("moveHighlight", () => {
  it("moves within bounds", () => {
    expect(moveHighlight(-1, "ArrowDown", 3)).toBe(0);
    expect(moveHighlight(0, "ArrowDown", 3)).toBe(1);
    expect(moveHighlight(2, "ArrowDown", 3)).toBe(2);
    expect(moveHighlight(2, "ArrowUp", 3)).toBe(1);
    expect(moveHighlight(0, "ArrowUp", 3)).toBe(0);
    expect(moveHighlight(1, "End", 3)).toBe(2);
    expect(moveHighlight(2, "Home", 3)).toBe(0);
  });
  it("clamps when the list shrinks and clears when it empties", () => {
    expect(moveHighlight(5, "x", 2)).toBe(1);
    expect(moveHighlight(1, "ArrowDown", 0)).toBe(-1);
  });
});
