import { beforeEach, describe, expect, it, vi } from "vitest";

const invoke = vi.fn();
vi.mock("@tauri-apps/api/core", () => ({ invoke: (...a: unknown[]) => invoke(...a) }));
const listen = vi.fn();
vi.mock("@tauri-apps/api/event", () => ({ listen: (...a: unknown[]) => listen(...a) }));

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

describe("VIP cards", () => {
  it("send the card commands' arguments by the names the shell takes", async () => {
    invoke.mockResolvedValue({});
    await api.customerByCard("04A1B2C3");
    expect(invoke).toHaveBeenLastCalledWith("customer_by_card", { uid: "04A1B2C3" });
    await api.linkCard(7, "04A1B2C3");
    expect(invoke).toHaveBeenLastCalledWith("link_card", { customerId: 7, uid: "04A1B2C3" });
    await api.blockCard("04A1B2C3", "lost");
    expect(invoke).toHaveBeenLastCalledWith("block_card", { uid: "04A1B2C3", reason: "lost" });
    await api.replaceCard("04A1B2C3", "0A0B0C0D");
    expect(invoke).toHaveBeenLastCalledWith("replace_card", { old: "04A1B2C3", new: "0A0B0C0D" });
  });

  it("hands the nfc event's payload to the handler and returns the way to stop", async () => {
    const stop = vi.fn();
    listen.mockResolvedValue(stop);
    const handler = vi.fn();
    expect(await api.onNfc(handler)).toBe(stop);
    expect(listen).toHaveBeenCalledWith("nfc", expect.any(Function));
    const deliver = listen.mock.calls[0][1] as (e: { event: string; payload: unknown }) => void;
    deliver({ event: "nfc", payload: { kind: "tap", reader: "R1", uid: "04A1B2C3" } });
    expect(handler).toHaveBeenCalledWith({ kind: "tap", reader: "R1", uid: "04A1B2C3" });
  });
});
