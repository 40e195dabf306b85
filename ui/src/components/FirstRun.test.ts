// @vitest-environment jsdom
// First run: the demo button, and set-up errors placed next to the field they name.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { $, cleanupScreen, click, mountScreen, type } from "../test/screen";

const api = vi.hoisted(() => ({ startDemo: vi.fn(), setUpShop: vi.fn() }));
vi.mock("../lib/api", () => api);
const { default: FirstRun } = await import("./FirstRun.svelte");

const onready = vi.fn();

beforeEach(async () => {
  api.startDemo.mockReset();
  api.setUpShop.mockReset();
  onready.mockReset();
  await mountScreen(FirstRun, { storePath: "/tmp/store.db", onready });
});
afterEach(cleanupScreen);

const openForm = () => click("[data-testid=setup-button]");

describe("FirstRun", () => {
  it("opens with the demo button focused, so Enter starts the demo shop", () => {
    expect(document.activeElement).toBe($("[data-testid=demo-button]"));
  });

  it("starts the demo shop", async () => {
    api.startDemo.mockResolvedValue({ name: "Demo", demo: true });
    await click("[data-testid=demo-button]");
    expect(onready).toHaveBeenCalledWith({ name: "Demo", demo: true });
  });

  it("sends the form as the set_up_shop input", async () => {
    api.setUpShop.mockResolvedValue({ name: "Corner" });
    await openForm();
    type("#f-shop_name", " Corner ");
    type("#f-currency", "eur");
    await click("[data-testid=setup-submit]");
    expect(api.setUpShop).toHaveBeenCalledWith({
      name: "Corner",
      currency: "EUR",
      till_id: "TILL-1",
      prices_include_tax: true,
      tax_rates: [
        { name: "standard", percent: "20" },
        { name: "reduced", percent: "5" },
        { name: "zero", percent: "0" },
      ],
      default_tax_rate: "standard",
    });
    expect(onready).toHaveBeenCalled();
  });

  it("starts the form in its first field", async () => {
    await openForm();
    expect(document.activeElement?.id).toBe("f-shop_name");
    expect(document.getElementById("f-shop_name")?.getAttribute("aria-describedby")).toBeNull();
  });

  it("shows a field's error next to that field", async () => {
    api.setUpShop.mockRejectedValue({ code: "invalid_input", message: "till_id: till id 'a b' must be 1 to 32 letters" });
    await openForm();
    await click("[data-testid=setup-submit]");
    expect($("[data-testid=field-error-till_id]")?.textContent).toBe("Till id 'a b' must be 1 to 32 letters");
    expect(document.getElementById("f-till_id")?.getAttribute("aria-describedby")).toBe("f-till_id-error");
    expect(document.activeElement?.id).toBe("f-till_id");
    expect($("[data-testid=setup-error]")).toBeNull();
    expect(onready).not.toHaveBeenCalled();
  });

  it("shows an error that names no field at the top", async () => {
    api.setUpShop.mockRejectedValue({ code: "already_set_up", message: "a shop is already set up in /tmp/store.db" });
    await openForm();
    await click("[data-testid=setup-submit]");
    expect($("[data-testid=setup-error]")?.textContent).toBe("a shop is already set up in /tmp/store.db");
  });
});
