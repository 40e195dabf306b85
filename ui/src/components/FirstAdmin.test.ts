// @vitest-environment jsdom
// The first admin of a shop without staff.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cleanupScreen, click, input, mountScreen, resetMocks, testShop, text, type } from "../test/screen";

const api = vi.hoisted(() => ({ addStaff: vi.fn() }));
vi.mock("../lib/api", () => api);
const { default: FirstAdmin } = await import("./FirstAdmin.svelte");

const onadded = vi.fn();
beforeEach(async () => {
  resetMocks(api);
  onadded.mockReset();
  await mountScreen(FirstAdmin, { shop: testShop(), onadded });
});
afterEach(cleanupScreen);

describe("FirstAdmin", () => {
  it("adds the admin with the PIN typed twice", async () => {
    const admin = { id: 1, name: "Sam", role: "admin" };
    api.addStaff.mockResolvedValue(admin);
    type("[data-testid=first-admin-name]", " Sam ");
    type("[data-testid=first-admin-pin]", "4321");
    type("[data-testid=first-admin-pin-again]", "4321");
    await click("[data-testid=first-admin-save]");
    expect(api.addStaff).toHaveBeenCalledWith({ name: "Sam", role: "admin", pin: "4321" });
    expect(onadded).toHaveBeenCalledWith(admin);
  });

  it("says when the two PINs differ, without asking the till", async () => {
    type("[data-testid=first-admin-name]", "Sam");
    type("[data-testid=first-admin-pin]", "4321");
    type("[data-testid=first-admin-pin-again]", "4322");
    await click("[data-testid=first-admin-save]");
    expect(api.addStaff).not.toHaveBeenCalled();
    expect(text("[data-testid=field-error-pin_again]")).toBe("The two PINs are not the same");
    expect(input("[data-testid=first-admin-name]").value).toBe("Sam");
  });

  it("puts the till's refusal next to the field it names", async () => {
    api.addStaff.mockRejectedValue({ code: "invalid_input", message: "pin: too easy to guess" });
    type("[data-testid=first-admin-name]", "Sam");
    type("[data-testid=first-admin-pin]", "1111");
    type("[data-testid=first-admin-pin-again]", "1111");
    await click("[data-testid=first-admin-save]");
    expect(text("[data-testid=field-error-pin]")).toBe("too easy to guess");
    expect(onadded).not.toHaveBeenCalled();
  });
});
