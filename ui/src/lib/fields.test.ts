// @vitest-environment jsdom
import { afterEach, describe, expect, it } from "vitest";
import { isNumberField, selectNumbersOnFocus } from "./fields";

let stop: (() => void) | null = null;
afterEach(() => {
  stop?.();
  document.body.innerHTML = "";
});

describe("number fields", () => {
  it("select what they hold when focused, so typing replaces it", async () => {
    stop = selectNumbersOnFocus();
    document.body.innerHTML = `<input id="d" inputmode="decimal" value="20%"><input id="n" value="a note">`;
    const d = document.getElementById("d") as HTMLInputElement;
    const n = document.getElementById("n") as HTMLInputElement;
    n.setSelectionRange(7, 7);
    n.focus();
    d.setSelectionRange(3, 3);
    d.focus();
    await Promise.resolve();
    expect([d.selectionStart, d.selectionEnd]).toEqual([0, 3]);
    n.focus();
    await Promise.resolve();
    expect(n.selectionStart).toBe(n.selectionEnd);
  });

  it("are known by their keyboard", () => {
    document.body.innerHTML = `<input id="a" inputmode="numeric"><input id="b" type="number"><input id="c">`;
    expect(["a", "b", "c"].map((id) => isNumberField(document.getElementById(id)))).toEqual([true, true, false]);
  });
});
