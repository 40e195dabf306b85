import { beforeEach, describe, expect, it, vi } from "vitest";

const invoke = vi.fn();
vi.mock("@tauri-apps/api/core", () => ({ invoke: (...a: unknown[]) => invoke(...a) }));

const api = await import("./api");

beforeEach(() => {
  invoke.mockReset();
});

describe("command wrappers", () => {
  it("pass camelCase argument names for Tauri to map", async () => {
    invoke.mockResolvedValue({});
    await api.cartAdd("5012345678900", 2);
    expect(invoke).toHaveBeenLastCalledWith("cart_add", { code: "5012345678900", quantity: 2 });
    await api.cartLinkCustomer(7);
    expect(invoke).toHaveBeenLastCalledWith("cart_link_customer", { customerId: 7 });
    await api.checkout([{ kind: "cash", value: "20.00" }]);
    expect(invoke).toHaveBeenLastCalledWith("checkout", { tenders: [{ kind: "cash", value: "20.00" }] });
  });

  it("passes the shell's {code, message} through", async () => {
    invoke.mockImplementation(() => Promise.reject({ code: "insufficient_tender", message: "short by 1.00" }));
    expect(await api.checkout([]).catch((e: unknown) => e)).toEqual({ code: "insufficient_tender", message: "short by 1.00" });
  });

  it("keeps the permission a refusal names, and tells the app when nobody is signed in", async () => {
    invoke.mockImplementation(() =>
      Promise.reject({ code: "not_permitted", message: "cashiers may not refund an order", permission: "refund" }),
    );
    expect(await api.refundOrder("1", { amount: null, lines: [], restock: false }).catch((e: unknown) => e)).toEqual({
      code: "not_permitted", message: "cashiers may not refund an order", permission: "refund",
    });
    const signedOut = vi.fn();
    api.onSignedOut(signedOut);
    expect(signedOut).not.toHaveBeenCalled();
    invoke.mockImplementation(() => Promise.reject({ code: "not_signed_in", message: "sign in first" }));
    await api.currentCart().catch(() => null);
    expect(signedOut).toHaveBeenCalledTimes(1);
    api.onSignedOut(null);
    await api.currentCart().catch(() => null);
    expect(signedOut).toHaveBeenCalledTimes(1);
  });

  it("wraps a bare string or Error as an internal error", async () => {
    invoke.mockImplementation(() => Promise.reject("command cart_add not found"));
    expect(await api.cartAdd("x").catch((e: unknown) => e)).toEqual({ code: "internal", message: "command cart_add not found" });
    invoke.mockImplementation(() => Promise.reject(new Error("ipc down")));
    expect(await api.currentCart().catch((e: unknown) => e)).toEqual({ code: "internal", message: "ipc down" });
  });
});

describe("isCommandError", () => {
  it("tells a CommandError from other values", () => {
    expect(api.isCommandError({ code: "a", message: "b" })).toBe(true);
    expect(api.isCommandError(new Error("x"))).toBe(false);
    expect(api.isCommandError("x")).toBe(false);
  });
});
