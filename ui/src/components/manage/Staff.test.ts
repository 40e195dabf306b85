// @vitest-environment jsdom
// The staff tab: the list, adding someone, and the till's refusals shown where they happen.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { flushSync } from "svelte";
import { $$, cleanupScreen, click, installDialogPolyfill, mountScreen, resetMocks, testShop, text, type, $ } from "../../test/screen";

const api = vi.hoisted(() => ({ staffList: vi.fn(), addStaff: vi.fn(), changeStaff: vi.fn() }));
vi.mock("../../lib/api", () => api);
const { default: Staff } = await import("./Staff.svelte");

const member = (id: number, name: string, role: string, over = {}) => ({
  id, name, role, active: true, wrong_pins: 0, locked_until: null, created_at: "2024-01-01T00:00:00Z", ...over,
});

beforeEach(async () => {
  resetMocks(api);
  installDialogPolyfill();
  api.staffList.mockResolvedValue([
    member(1, "Avery", "admin"),
    member(3, "Casey", "cashier", { wrong_pins: 5, locked_until: "2999-01-01T10:00:00Z" }),
  ]);
  await mountScreen(Staff, { shop: testShop() });
});
afterEach(cleanupScreen);

const row = (name: string) => `[data-testid=staff-row][data-name=${name}]`;

describe("Staff tab", () => {
  it("lists staff with role, whether they can sign in and until when they are locked", () => {
    expect($$("[data-testid=staff-row]").map((r) => r.dataset.name)).toEqual(["Avery", "Casey"]);
    expect(text(`${row("Casey")} [data-testid=staff-role]`)).toBe("Cashier");
    expect(text(`${row("Casey")} [data-testid=staff-active]`)).toBe("Yes");
    expect(text(`${row("Casey")} [data-testid=staff-locked]`)).not.toBe("");
    expect($(`${row("Avery")} [data-testid=staff-unlock]`)).toBeNull();
  });

  it("adds someone with the PIN typed twice", async () => {
    api.addStaff.mockResolvedValue(member(4, "Jo", "manager"));
    type("[data-testid=staff-add-name]", "Jo");
    const role = $("[data-testid=staff-add-role]") as HTMLSelectElement;
    role.value = "manager";
    role.dispatchEvent(new Event("change", { bubbles: true }));
    type("[data-testid=staff-add-pin]", "5555");
    type("[data-testid=staff-add-pin-again]", "5555");
    await click("[data-testid=staff-add-save]");
    expect(api.addStaff).toHaveBeenCalledWith({ name: "Jo", role: "manager", pin: "5555" });
    expect($$("[data-testid=staff-row]").map((r) => r.dataset.name)).toEqual(["Avery", "Casey", "Jo"]);
  });

  it("puts a refused name next to the name field", async () => {
    api.addStaff.mockRejectedValue({ code: "invalid_input", message: "name: Casey already works here" });
    type("[data-testid=staff-add-name]", "Casey");
    type("[data-testid=staff-add-pin]", "5555");
    type("[data-testid=staff-add-pin-again]", "5555");
    await click("[data-testid=staff-add-save]");
    expect(text("[data-testid=field-error-name]")).toBe("Casey already works here");
  });

  it("unlocks and disables with the till's answer", async () => {
    api.changeStaff.mockResolvedValueOnce(member(3, "Casey", "cashier"));
    await click(`${row("Casey")} [data-testid=staff-unlock]`);
    expect(api.changeStaff).toHaveBeenCalledWith("Casey", { kind: "unlock" });
    expect(text(`${row("Casey")} [data-testid=staff-locked]`)).toBe("");
    api.changeStaff.mockResolvedValueOnce(member(3, "Casey", "cashier", { active: false }));
    await click(`${row("Casey")} [data-testid=staff-disable]`);
    expect(text(`${row("Casey")} [data-testid=staff-active]`)).toBe("Disabled");
  });

  it("shows the till's refusal to demote the last admin on that row", async () => {
    api.changeStaff.mockRejectedValue({ code: "invalid_input", message: "role: Avery is the last admin; make someone else admin first" });
    const sel = $(`${row("Avery")} [data-testid=staff-role-select]`) as HTMLSelectElement;
    sel.value = "manager";
    sel.dispatchEvent(new Event("change", { bubbles: true }));
    flushSync();
    await click(`${row("Avery")} [data-testid=staff-role-save]`);
    expect(api.changeStaff).toHaveBeenCalledWith("Avery", { kind: "set_role", role: "manager" });
    expect(text(`${row("Avery")} [data-testid=staff-row-error]`)).toContain("last admin");
    expect(text(`${row("Avery")} [data-testid=staff-role]`)).toBe("Admin");
  });

  it("sets a new PIN from its dialog", async () => {
    api.changeStaff.mockResolvedValue(member(3, "Casey", "cashier"));
    await click(`${row("Casey")} [data-testid=staff-reset-pin]`);
    type("[data-testid=reset-pin-input]", "7777");
    type("[data-testid=reset-pin-again]", "7777");
    await click("[data-testid=reset-pin-save]");
    expect(api.changeStaff).toHaveBeenCalledWith("Casey", { kind: "reset_pin", pin: "7777" });
    expect($("[data-testid=reset-pin-dialog]")).toBeNull();
  });
});
