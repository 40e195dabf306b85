import { describe, expect, it } from "vitest";
import { fieldForError, fieldOf } from "./errors";

const FIELDS = ["shop_name", "currency", "till_id", "tax_rate"] as const;

describe("fieldOf", () => {
  it("finds the field a validation message starts with", () => {
    expect(fieldOf("currency: 'XXQ' is not an ISO 4217 code", FIELDS)).toBe("currency");
    expect(fieldOf("till_id: must be 1-32 letters", FIELDS)).toBe("till_id");
    expect(fieldOf("till id: must not be empty", FIELDS)).toBe("till_id");
    expect(fieldOf("shop name: must not be empty", FIELDS)).toBe("shop_name");
    expect(fieldOf("till_id: till id 'a b' must be 1 to 32 letters, digits, '-' or '_'", FIELDS)).toBe("till_id");
    expect(fieldOf("tax rate: 'vat' is given twice", FIELDS)).toBe("tax_rate");
  });
  it("returns null for messages that name no known field", () => {
    expect(fieldOf("a shop is already set up in /x/store.db", FIELDS)).toBeNull();
    expect(fieldOf("price: bad", FIELDS)).toBeNull();
  });
});

describe("fieldForError", () => {
  it("prefers the field named in the message, then the code's field", () => {
    const byCode = { id_invalid: "till_id", unknown_tax_rate: "default_tax_rate" };
    expect(fieldForError({ code: "invalid_input", message: "currency: bad" }, FIELDS, byCode)).toBe("currency");
    expect(fieldForError({ code: "id_invalid", message: "invalid till id 'a b'" }, FIELDS, byCode)).toBe("till_id");
    expect(fieldForError({ code: "database", message: "disk full" }, FIELDS, byCode)).toBeNull();
  });
});

describe("messageForField", () => {
  it("takes off the field name the till puts first, and starts with a capital", async () => {
    const { messageForField } = await import("./errors");
    expect(messageForField("till_id: till id 'a b' must be letters, digits and dashes")).toBe("Till id 'a b' must be letters, digits and dashes");
    expect(messageForField("currency: 'XX' is not a currency code")).toBe("'XX' is not a currency code");
    expect(messageForField("the shop needs a name")).toBe("The shop needs a name");
  });
});
