// @vitest-environment jsdom
// The settings' Updates section against a stubbed till: where the till stands with updates in
// words, checking now, installing the waiting update, and the two update settings.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { flushSync, mount, unmount } from "svelte";
import type { UpdateStatus } from "../../lib/bindings";
import type { Shop } from "../../lib/types";
import {
  $, cleanupScreen, click, deferred, input, installDialogPolyfill, mountScreen, resetMocks, settle, testShop, text, type,
} from "../../test/screen";

const api = vi.hoisted(() => ({
  updateStatus: vi.fn(),
  checkForUpdates: vi.fn(),
  installUpdate: vi.fn(),
  changeSetting: vi.fn(),
}));
vi.mock("../../lib/api", () => api);

const { default: UpdateSettings } = await import("./UpdateSettings.svelte");

const shop = testShop();

/** 10:42 today, on this computer's clock, as the till stamps it (UTC). */
const tenFortyTwo = (() => {
  const d = new Date();
  d.setHours(10, 42, 0, 0);
  return d.toISOString();
})();

function status(over: Partial<UpdateStatus> = {}): UpdateStatus {
  return {
    current_version: "0.1.0", state: "not_checked", version: null, notes: null, checked_at: null, problem: null, ...over,
  };
}

const ready = (over: Partial<UpdateStatus> = {}) =>
  status({ state: "ready", version: "0.2.0", notes: "Faster receipts.\nVIP cards on any reader.", checked_at: tenFortyTwo, ...over });

const refusal =
  "the update to 0.2.0 was refused: its package is not signed with VersaTalent POS's key or was changed after " +
  "signing (the signature does not match). Nothing was installed; tell IT.";

let onsaved: ReturnType<typeof vi.fn<(shop: Shop) => void>>;

beforeEach(() => {
  installDialogPolyfill();
  resetMocks(api);
  onsaved = vi.fn<(shop: Shop) => void>();
  api.updateStatus.mockResolvedValue(status());
});

afterEach(cleanupScreen);

const start = (s: Shop = shop) => mountScreen(UpdateSettings, { shop: s, onsaved });

describe("Updates in the settings", () => {
  describe("says where the till stands", () => {
    it("not checked yet", async () => {
      await start();
      expect(api.updateStatus).toHaveBeenCalledTimes(1);
      expect(text("[data-testid=update-current-version]")).toBe("Version 0.1.0");
      expect(text("[data-testid=update-summary]")).toBe("Not checked yet.");
      expect($("[data-testid=update-checked-at]"), "no check time before a check").toBeNull();
      expect($("[data-testid=update-install]"), "nothing to install").toBeNull();
      expect($("[data-testid=update-check]")?.textContent?.trim()).toBe("Check now");
    });

    it("up to date, with the time of the check", async () => {
      api.updateStatus.mockResolvedValue(status({ state: "up_to_date", checked_at: tenFortyTwo }));
      await start();
      expect(text("[data-testid=update-summary]")).toBe("Up to date.");
      expect(text("[data-testid=update-checked-at]")).toMatch(/^Checked 10:42/);
      expect($("[data-testid=update-install]")).toBeNull();
      expect($("[data-testid=update-notes]")).toBeNull();
    });

    it.each([
      ["next_start", "it installs at the next start."],
      ["when_idle", "it installs as soon as the till is idle (locked, nothing on the register)."],
      ["manager", "it waits until a manager installs it."],
    ] as const)("an update ready to install when the shop chose %s", async (when, words) => {
      api.updateStatus.mockResolvedValue(ready());
      await start(testShop({ update_install: when }));
      expect(text("[data-testid=update-summary]")).toBe(`Version 0.2.0 is downloaded and verified; ${words}`);
      expect(text("[data-testid=update-notes]")).toContain("Faster receipts.");
      expect(text("[data-testid=update-notes]")).toContain("VIP cards on any reader.");
      expect($("[data-testid=update-install]")?.textContent?.trim()).toBe("Install now and restart");
    });

    it("a refused update as a warning to tell IT", async () => {
      api.updateStatus.mockResolvedValue(
        status({ state: "refused", version: "0.2.0", checked_at: tenFortyTwo, problem: refusal }),
      );
      await start();
      const warning = text("[data-testid=update-refused]") ?? "";
      expect(warning).toContain("The update to 0.2.0 was refused");
      expect(text("[data-testid=update-problem]")).toBe(
        "Its package is not signed with VersaTalent POS's key or was changed after signing (the signature does not match).",
      );
      expect(warning).toContain("Nothing was installed. Tell IT.");
      expect(warning.match(/Nothing was installed/gi), "said once").toHaveLength(1);
      expect($("[data-testid=update-install]"), "a refused update cannot be installed").toBeNull();
      expect($("[data-testid=update-summary]")).toBeNull();
    });

    it("a failed check with the till's reason", async () => {
      api.updateStatus.mockResolvedValue(
        status({ state: "failed", checked_at: tenFortyTwo, problem: "could not get the update: connection refused" }),
      );
      await start();
      expect(text("[data-testid=update-problem]")).toBe("could not get the update: connection refused");
      expect(text("[data-testid=update-failed]")).toContain("The till tries again by itself later.");
      expect($("[data-testid=update-install]")).toBeNull();
      expect(text("[data-testid=update-checked-at]")).toMatch(/^Checked 10:42/);
    });

    it("what the till answers when the status cannot be read", async () => {
      api.updateStatus.mockRejectedValue({ code: "internal", message: "the till is not ready" });
      await start();
      expect(text("[data-testid=update-load-error]")).toBe("The till is not ready");
    });
  });

  it("reads the status again every 5 seconds while shown, and stops when gone", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    // Mounted by hand: unmounting must leave the fake clock running to show no reading is left.
    const section = mount(UpdateSettings, { target: document.body, props: { shop, onsaved } });
    await settle();
    expect(api.updateStatus).toHaveBeenCalledTimes(1);
    api.updateStatus.mockResolvedValue(ready());
    vi.advanceTimersByTime(5_000);
    await settle();
    expect(api.updateStatus).toHaveBeenCalledTimes(2);
    expect(text("[data-testid=update-summary]"), "the background check's result shows").toContain("Version 0.2.0 is downloaded");
    unmount(section);
    expect(vi.getTimerCount(), "the reading every 5 seconds is stopped").toBe(0);
    vi.advanceTimersByTime(20_000);
    expect(api.updateStatus, "no reading after the section is gone").toHaveBeenCalledTimes(2);
  });

  describe("Check now", () => {
    it("is busy while checking, then shows the new status", async () => {
      const answer = deferred<UpdateStatus>();
      api.checkForUpdates.mockReturnValue(answer.promise);
      await start();
      await click("[data-testid=update-check]");
      const button = $("[data-testid=update-check]") as HTMLButtonElement;
      expect(button.textContent?.trim()).toBe("Checking…");
      expect(button.disabled).toBe(true);
      answer.resolve(ready());
      await settle();
      expect(api.checkForUpdates).toHaveBeenCalledTimes(1);
      expect(text("[data-testid=update-summary]")).toBe(
        "Version 0.2.0 is downloaded and verified; it installs at the next start.",
      );
      expect(button.textContent?.trim()).toBe("Check now");
      expect(button.disabled).toBe(false);
    });

    it("shows the till's message when the check is refused", async () => {
      api.checkForUpdates.mockRejectedValue({ code: "update_busy", message: "an update check or install is already under way" });
      await start();
      await click("[data-testid=update-check]");
      expect(text("[data-testid=update-check-error]")).toBe("An update check or install is already under way");
      expect(text("[data-testid=update-summary]")).toBe("Not checked yet.");
    });

    it("shows a failed check's reason once, in the status", async () => {
      const problem = "the update server's answer is not a release manifest (release not found)";
      api.checkForUpdates.mockRejectedValue({ code: "update_failed", message: problem });
      await start();
      api.updateStatus.mockResolvedValue(status({ state: "failed", checked_at: tenFortyTwo, problem }));
      await click("[data-testid=update-check]");
      expect(text("[data-testid=update-problem]")).toBe(problem);
      expect($("[data-testid=update-check-error]"), "not said twice").toBeNull();
    });
  });

  describe("Install now and restart", () => {
    beforeEach(() => {
      api.updateStatus.mockResolvedValue(ready());
    });

    it("asks first, then installs and says the till restarts", async () => {
      api.installUpdate.mockResolvedValue("0.2.0");
      await start();
      await click("[data-testid=update-install]");
      expect(text("[data-testid=update-install-dialog] h2")).toBe("Install version 0.2.0 and restart?");
      expect(api.installUpdate, "nothing installed before the answer").not.toHaveBeenCalled();
      await click("[data-testid=update-install-confirm]");
      expect(api.installUpdate).toHaveBeenCalledTimes(1);
      expect($("[data-testid=update-install-dialog]")).toBeNull();
      expect(text("[data-testid=update-restarting]")).toBe("Version 0.2.0 is installed. Restarting…");
      expect($("[data-testid=update-check]"), "nothing more to press while restarting").toBeNull();
    });

    it("does nothing when the manager says not now", async () => {
      await start();
      await click("[data-testid=update-install]");
      await click("[data-testid=update-install-cancel]");
      expect($("[data-testid=update-install-dialog]")).toBeNull();
      expect(api.installUpdate).not.toHaveBeenCalled();
    });

    it("keeps the update waiting while a sale is on the register", async () => {
      api.installUpdate.mockRejectedValue({
        code: "sale_in_progress",
        message: "the update waits: a sale is on the register. Finish or park the sale first.",
      });
      await start();
      await click("[data-testid=update-install]");
      await click("[data-testid=update-install-confirm]");
      expect(text("[data-testid=update-install-error]")).toBe(
        "The update waits: a sale is on the register. Finish or park the sale first.",
      );
      expect($("[data-testid=update-restarting]")).toBeNull();
      expect(text("[data-testid=update-summary]")).toContain("Version 0.2.0 is downloaded and verified");
      expect($("[data-testid=update-install]"), "still there to press later").not.toBeNull();
    });

    it("shows the refusal when the waiting package fails the check again", async () => {
      api.installUpdate.mockRejectedValue({ code: "update_refused", message: refusal });
      await start();
      api.updateStatus.mockResolvedValue(status({ state: "refused", version: "0.2.0", problem: refusal }));
      await click("[data-testid=update-install]");
      await click("[data-testid=update-install-confirm]");
      expect(text("[data-testid=update-refused]")).toContain("The update to 0.2.0 was refused");
      expect($("[data-testid=update-install-error]"), "said once, in the warning").toBeNull();
      expect($("[data-testid=update-install]")).toBeNull();
    });
  });

  describe("settings", () => {
    it("installs when the till is idle once that is chosen", async () => {
      const next = testShop({ update_install: "when_idle" });
      api.changeSetting.mockResolvedValue(next);
      await start();
      expect(input("[data-testid=setting-option-update-install-next-start]").checked).toBe(true);
      input("[data-testid=setting-option-update-install-when-idle]").click();
      flushSync();
      await click("[data-testid=setting-save-update-install]");
      expect(api.changeSetting).toHaveBeenCalledWith("update-install", "when-idle");
      expect(text("[data-testid=setting-saved-update-install]")).toBe("Saved: When the till is idle");
      expect(onsaved).toHaveBeenCalledWith(next);
    });

    it("shows a refused update server on the field, keeping what was typed", async () => {
      api.changeSetting.mockRejectedValue({
        code: "invalid",
        message: "update-url: expected an https:// address (http:// only for this machine)",
      });
      await start();
      const field = input("[data-testid=setting-input-update-url]");
      expect(field.value, "blank: the built-in server").toBe("");
      type(field, "http://updates.example.com/pos/latest.json");
      await click("[data-testid=setting-save-update-url]");
      expect(api.changeSetting).toHaveBeenCalledWith("update-url", "http://updates.example.com/pos/latest.json");
      const error = $("[data-testid=setting-error-update-url]");
      expect(error?.textContent).toBe("Expected an https:// address (http:// only for this machine)");
      expect($("[data-testid=setting-update-url]")?.contains(error!)).toBe(true);
      expect(field.getAttribute("aria-invalid")).toBe("true");
      expect(field.getAttribute("aria-describedby")).toBe(error?.id);
      expect(field.value).toBe("http://updates.example.com/pos/latest.json");
      expect(onsaved).not.toHaveBeenCalled();
    });

    it("saves the shop's own update server", async () => {
      const url = "https://updates.example.com/pos/latest.json";
      api.changeSetting.mockResolvedValue(testShop({ update_url: url }));
      await start();
      type(input("[data-testid=setting-input-update-url]"), url);
      await click("[data-testid=setting-save-update-url]");
      expect(api.changeSetting).toHaveBeenCalledWith("update-url", url);
      expect(text("[data-testid=setting-saved-update-url]")).toBe(`Saved: ${url}`);
    });
  });
});
