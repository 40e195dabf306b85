// @vitest-environment jsdom
// A manager's approval: the refused action asks for a PIN, then runs again once.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { $$, cleanupScreen, click, installDialogPolyfill, mountScreen, resetMocks, settle, text, type, $ } from "../test/screen";
import { withApproval } from "../lib/staff";

const api = vi.hoisted(() => ({ approve: vi.fn() }));
vi.mock("../lib/api", () => api);
const { default: ApprovalDialog } = await import("./ApprovalDialog.svelte");

const staff = [
  { name: "Avery", role: "admin" as const },
  { name: "Morgan", role: "manager" as const },
  { name: "Casey", role: "cashier" as const },
];
const refusal = { code: "not_permitted", message: "cashiers may not refund an order", permission: "refund" as const };

beforeEach(async () => {
  resetMocks(api);
  installDialogPolyfill();
  await mountScreen(ApprovalDialog, { staff });
});
afterEach(cleanupScreen);

describe("ApprovalDialog", () => {
  it("asks those who may approve, then retries the action once approved", async () => {
    api.approve.mockResolvedValue({ id: 2, name: "Morgan", role: "manager" });
    const action = vi.fn().mockRejectedValueOnce(refusal).mockResolvedValueOnce("refunded");
    const result = withApproval(action);
    await settle();
    expect(text("[data-testid=approval-dialog] h2")).toBe("This needs a manager: a refund");
    expect($$("[data-testid=approval-approver]").map((b) => b.dataset.name)).toEqual(["Avery", "Morgan"]);
    await click("[data-testid=approval-approver][data-name=Morgan]");
    expect(document.activeElement).toBe($("[data-testid=approval-pin]"));
    type("[data-testid=approval-pin]", "2000");
    await click("[data-testid=approval-approve]");
    await expect(result).resolves.toBe("refunded");
    expect(api.approve).toHaveBeenCalledWith("Morgan", "2000", "refund");
    expect(action).toHaveBeenCalledTimes(2);
    expect($("[data-testid=approval-dialog]")).toBeNull();
  });

  it("says what is approved, and a PIN typed on a name goes to that person's PIN", async () => {
    api.approve.mockResolvedValue({ id: 2, name: "Morgan", role: "manager" });
    const action = vi.fn().mockRejectedValueOnce({ ...refusal, permission: "large_discount" }).mockResolvedValueOnce("ok");
    const result = withApproval(action, "100% off Flat white, line 2: 3.20 off 3.20");
    await settle();
    expect(text("[data-testid=approval-what]")).toBe("100% off Flat white, line 2: 3.20 off 3.20");
    const morgan = $("[data-testid=approval-approver][data-name=Morgan]")!;
    morgan.focus();
    for (const key of "2000") morgan.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true }));
    await settle();
    const pin = $("[data-testid=approval-pin]") as HTMLInputElement;
    expect(document.activeElement).toBe(pin);
    expect(pin.value).toBe("2000");
    expect(morgan.getAttribute("aria-checked")).toBe("true");
    expect(pin.getAttribute("aria-describedby")).toBeNull();
    pin.form!.requestSubmit();
    await expect(result).resolves.toBe("ok");
    expect(api.approve).toHaveBeenCalledWith("Morgan", "2000", "large_discount");
  });

  it("keeps a wrong PIN in the dialog and lets them try again", async () => {
    api.approve.mockRejectedValueOnce({ code: "wrong_pin", message: "wrong name or PIN for 'Casey' (five wrong PINs in a row lock the account)" }).mockResolvedValueOnce({ id: 2, name: "Morgan", role: "manager" });
    const action = vi.fn().mockRejectedValueOnce(refusal).mockResolvedValueOnce("ok");
    const result = withApproval(action);
    await settle();
    await click("[data-testid=approval-approver][data-name=Morgan]");
    type("[data-testid=approval-pin]", "1111");
    await click("[data-testid=approval-approve]");
    expect(text("[data-testid=approval-error]")).toBe("wrong name or PIN for 'Casey' (five wrong PINs in a row lock the account)");
    expect(action).toHaveBeenCalledTimes(1);
    type("[data-testid=approval-pin]", "2000");
    await click("[data-testid=approval-approve]");
    await expect(result).resolves.toBe("ok");
  });

  it("retries only once: refused again, the till's message comes back", async () => {
    api.approve.mockResolvedValue({ id: 2, name: "Morgan", role: "manager" });
    const action = vi.fn().mockRejectedValue(refusal);
    const result = withApproval(action);
    const settled = result.catch((e) => e);
    await settle();
    await click("[data-testid=approval-approver][data-name=Morgan]");
    type("[data-testid=approval-pin]", "2000");
    await click("[data-testid=approval-approve]");
    expect(await settled).toEqual(refusal);
    expect(action).toHaveBeenCalledTimes(2);
    expect($("[data-testid=approval-dialog]")).toBeNull();
  });

  it("cancelled, the action is not run again", async () => {
    const action = vi.fn().mockRejectedValue(refusal);
    const settled = withApproval(action).catch((e) => e);
    await settle();
    await click("[data-testid=approval-cancel]");
    expect(await settled).toEqual(refusal);
    expect(action).toHaveBeenCalledTimes(1);
    expect(api.approve).not.toHaveBeenCalled();
  });

  it("asks an admin for a settings change and picks the only one", async () => {
    const settled = withApproval(() => Promise.reject({ ...refusal, permission: "change_settings" })).catch((e) => e);
    await settle();
    expect(text("[data-testid=approval-dialog] h2")).toBe("This needs an admin: changing the shop's settings");
    expect($$("[data-testid=approval-approver]").map((b) => b.dataset.name)).toEqual(["Avery"]);
    expect($("[data-testid=approval-approver]")?.getAttribute("aria-checked")).toBe("true");
    await click("[data-testid=approval-cancel]");
    await settled;
  });
});
