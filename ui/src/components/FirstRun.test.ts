// @vitest-environment jsdom
// First run: the demo button, and set-up errors placed next to the field they name.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { flushSync, mount, tick, unmount } from "svelte";

const api = vi.hoisted(() => ({ startDemo: vi.fn(), setUpShop: vi.fn() }));
vi.mock("../lib/api", () => api);
const { default: FirstRun } = await import("./FirstRun.svelte");

let app: ReturnType<typeof mount> | undefined;
const onready = vi.fn();
const $ = (sel: string) => document.querySelector<HTMLElement>(sel);

async function settle() {
  for (let i = 0; i < 5; i++) {
    await tick();
    await Promise.resolve();
  }
  flushSync();
}

beforeEach(() => {
  api.startDemo.mockReset();
  api.setUpShop.mockReset();
  onready.mockReset();
  app = mount(FirstRun, { target: document.body, props: { storePath: "/tmp/store.db", onready } });
  flushSync();
});
afterEach(() => {
  if (app) unmount(app);
  document.body.innerHTML = "";
});

async function openForm() {
  $("[data-testid=setup-button]")!.click();
  await settle();
}

describe("FirstRun", () => {
  it("opens with the demo button focused, so Enter starts the demo shop", () => {
    expect(document.activeElement).toBe($("[data-testid=demo-button]"));
  });

  it("starts the demo shop", async () => {
    api.startDemo.mockResolvedValue({ name: "Demo", demo: true });
    $("[data-testid=demo-button]")!.click();
    await settle();
    expect(onready).toHaveBeenCalledWith({ name: "Demo", demo: true });
  });

  it("sends the form as the set_up_shop input", async () => {
    api.setUpShop.mockResolvedValue({ name: "Corner" });
    await openForm();
    const name = $("#f-shop_name") as HTMLInputElement;
    name.value = " Corner ";
    name.dispatchEvent(new Event("input", { bubbles: true }));
    const currency = $("#f-currency") as HTMLInputElement;
    currency.value = "eur";
    currency.dispatchEvent(new Event("input", { bubbles: true }));
    flushSync();
    $("[data-testid=setup-submit]")!.click();
    await settle();
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

  it("shows a field's error next to that field", async () => {
    api.setUpShop.mockRejectedValue({ code: "invalid_input", message: "till_id: till id 'a b' must be 1 to 32 letters" });
    await openForm();
    $("[data-testid=setup-submit]")!.click();
    await settle();
    expect($("[data-testid=field-error-till_id]")?.textContent).toContain("must be 1 to 32");
    expect($("[data-testid=setup-error]")).toBeNull();
    expect(onready).not.toHaveBeenCalled();
  });

  it("shows an error that names no field at the top", async () => {
    api.setUpShop.mockRejectedValue({ code: "already_set_up", message: "a shop is already set up in /tmp/store.db" });
    await openForm();
    $("[data-testid=setup-submit]")!.click();
    await settle();
    expect($("[data-testid=setup-error]")?.textContent).toBe("a shop is already set up in /tmp/store.db");
  });
});
