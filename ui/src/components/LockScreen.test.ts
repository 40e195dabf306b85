// @vitest-environment jsdom
// The lock screen: pick a name, type the PIN on the keypad or the keyboard, plain errors.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { $, $$, cleanupScreen, click, input, mountScreen, resetMocks, submit, testShop, text, type } from "../test/screen";

const api = vi.hoisted(() => ({ signIn: vi.fn() }));
vi.mock("../lib/api", () => api);
const { default: LockScreen } = await import("./LockScreen.svelte");

const staff = [
  { name: "Avery", role: "admin" as const },
  { name: "Morgan", role: "manager" as const },
  { name: "Casey", role: "cashier" as const },
];
const onsignedin = vi.fn();

beforeEach(() => {
  resetMocks(api);
  onsignedin.mockReset();
});
afterEach(cleanupScreen);

const start = (over: Record<string, unknown> = {}) =>
  mountScreen(LockScreen, { shop: testShop(), staff, onsignedin, ...over });

describe("LockScreen", () => {
  it("shows a tile per active staff member with their role", async () => {
    await start();
    expect($$("[data-testid=lock-staff]").map((b) => b.textContent?.replace(/\s+/g, " ").trim())).toEqual([
      "Avery Admin", "Morgan Manager", "Casey Cashier",
    ]);
    expect($("[data-testid=lock-demo-hint]")).toBeNull();
  });

  it("signs in with the PIN tapped on the keypad", async () => {
    const casey = { id: 3, name: "Casey", role: "cashier" };
    api.signIn.mockResolvedValue(casey);
    await start();
    await click("[data-testid=lock-staff][data-name=Casey]");
    const pin = input("[data-testid=lock-pin]");
    expect(pin.type).toBe("password");
    expect(pin.inputMode).toBe("numeric");
    for (const d of "3000") await click(`[data-testid=pin-key-${d}]`);
    expect(pin.value).toBe("3000");
    expect($$("[data-testid=lock-pin-dots] span.on")).toHaveLength(4);
    await click("[data-testid=pin-ok]");
    expect(api.signIn).toHaveBeenCalledWith("Casey", "3000");
    expect(onsignedin).toHaveBeenCalledWith(casey);
  });

  it("signs in with a typed PIN and Enter, and shows a wrong PIN plainly", async () => {
    api.signIn.mockRejectedValue({ code: "wrong_pin", message: "wrong name or PIN for 'Casey' (five wrong PINs in a row lock the account)" });
    await start();
    await click("[data-testid=lock-staff][data-name=Morgan]");
    expect(document.activeElement).toBe($("[data-testid=lock-pin]"));
    type("[data-testid=lock-pin]", "1111");
    await submit("[data-testid=lock-pin-form]");
    expect(api.signIn).toHaveBeenCalledWith("Morgan", "1111");
    expect(text("[data-testid=lock-error]")).toBe("wrong name or PIN for 'Casey' (five wrong PINs in a row lock the account)");
    expect(input("[data-testid=lock-pin]").value).toBe("");
    expect(onsignedin).not.toHaveBeenCalled();
  });

  it("shows until when an account is locked", async () => {
    api.signIn.mockRejectedValue({ code: "staff_locked", message: "Casey is locked until 14:05 after too many wrong PINs" });
    await start();
    await click("[data-testid=lock-staff][data-name=Casey]");
    type("[data-testid=lock-pin]", "9999");
    await click("[data-testid=pin-ok]");
    expect(text("[data-testid=lock-error]")).toContain("locked until 14:05");
  });

  it("clears the PIN and goes back to the names", async () => {
    await start();
    await click("[data-testid=lock-staff][data-name=Casey]");
    await click("[data-testid=pin-key-7]");
    await click("[data-testid=pin-clear]");
    expect(input("[data-testid=lock-pin]").value).toBe("");
    await click("[data-testid=lock-back]");
    expect($$("[data-testid=lock-staff]")).toHaveLength(3);
  });

  it("asks the person who locked the till straight for their PIN, and hints the demo PINs", async () => {
    await start({ preselect: "Casey", shop: testShop({ demo: true }) });
    expect(text("[data-testid=lock-chosen]")).toBe("Casey");
    expect(text("[data-testid=lock-demo-hint]")).toContain("Casey (cashier) PIN 3000");
  });
});
