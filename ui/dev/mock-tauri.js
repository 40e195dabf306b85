// DEV ONLY — never bundled into the app. A stand-in for the Tauri shell so the built UI can be
// looked at in a plain browser: it answers the till's commands from memory with rough figures.
// Served by dev/serve.mjs, which injects it before the app's bundle. Scenario from the URL hash:
//   #firstrun   the first-run screen
//   #sell       a demo shop with three lines and a linked customer
//   #pay        as #sell, with the Pay dialog open
//   #receipt    as #sell, paid with 300 points + 20.00 cash
//   #error      as #pay, with the till refusing the tender
//   #setup      the set-up form, refused for its currency
//   #search     as #sell, with "la" typed in the search box
//   #customer   as #sell, with the Customer dialog open (F4)
//   #parked     as #sell, with the Parked dialog open (F9)
//   #scan       as #sell, then a scanner "types" the latte's barcode (5 ms a key) and Enter
//   #card       as #sell, paying by card: the card dialog waits for a test card on the demo reader
//   #declined   as #card, with the declined test card presented
//   #cardpaid   as #card, with the approved test card presented: the receipt's card line
//   #indoubt    as #sell, with two card payments in doubt (the banner; "Settle now" settles one)
//   #readers    the back office's Payments tab (Alt+7), after "Check setup"
(() => {
  const scenario = (location.hash || "#sell").slice(1);
  const exp = 2;
  const shop = {
    name: "Corner Café (demo)", currency: "GBP", exponent: 2, till_id: "TILL-1", tax_mode: "inclusive",
    cash_rounding: 1, loyalty: { earn_per_major: 1, redeem_per_major: 100 },
    tax_rates: [{ name: "standard", basis_points: 2000 }, { name: "zero", basis_points: 0 }],
    default_tax_rate: "standard", low_stock_level: 5, lock_minutes: 5, discount_limit: 1000, demo: true,
    update_install: "next_start", update_url: null,
  };
  let setUp = scenario !== "firstrun" && scenario !== "setup";
  const P = (id, sku, name, price, category, tax = "standard") => ({
    id, sku, barcode: `50000000000${id}`.slice(-13), name, price, currency: "GBP", tax_rate: tax,
    tax_basis_points: tax === "standard" ? 2000 : 0, stock: 20, reorder_level: null, category,
  });
  const products = [
    P(1, "COF-ESP", "Espresso", 220, "Coffee"), P(2, "COF-LAT", "Caffè latte", 320, "Coffee"),
    P(3, "COF-CAP", "Cappuccino", 310, "Coffee"), P(4, "COF-FLT", "Flat white", 330, "Coffee"),
    P(5, "TEA-ENG", "English breakfast tea", 250, "Tea"), P(6, "TEA-GRN", "Green tea", 260, "Tea"),
    P(7, "BAK-CRO", "Butter croissant", 240, "Bakery", "zero"), P(8, "BAK-MUF", "Blueberry muffin", 280, "Bakery", "zero"),
    P(9, "BAK-BRW", "Chocolate brownie", 295, "Bakery", "zero"), P(10, "COF-MOC", "Mocha with extra chocolate sauce", 360, "Coffee"),
    P(11, "TEA-CHA", "Chai latte", 340, "Tea"), P(12, "BAK-SCN", "Fruit scone with jam and clotted cream", 375, "Bakery", "zero"),
  ];
  const customers = [
    { id: 1, name: "Ada Lovelace", email: "ada@example.com", phone: null, card_uid: null, points_balance: 1250, created_at: "2026-01-02" },
    { id: 2, name: "Alan Turing", email: null, phone: "07700 900123", card_uid: null, points_balance: 40, created_at: "2026-02-03" },
  ];
  let updates = { current_version: "0.1.0", state: "not_checked", version: null, notes: null, checked_at: null, problem: null };
  let lines = [];
  let orderDiscount = null;
  let customer = null;
  let parked = [{ id: 7, note: "Table 4", customer_id: null, lines: 2, parked_at: "2026-11-28 09:14", currency: "GBP", total: 560, items: [{ sku: "COF-LAT", name: "Caffè latte", quantity: 1, unit_price: 320 }, { sku: "BAK-CRO", name: "Butter croissant", quantity: 1, unit_price: 240 }] }];
  let receiptNo = 41;

  const fail = (code, message) => Promise.reject({ code, message });
  const find = (code) => products.find((p) => p.sku === code || p.barcode === code);

  function view() {
    let subtotal = 0;
    let lineDisc = 0;
    const lv = lines.map((l, index) => {
      const raw = l.p.price * l.q;
      const d = !l.d ? 0 : l.d.endsWith("%") ? Math.round((raw * parseFloat(l.d)) / 100) : Math.round(parseFloat(l.d) * 100);
      subtotal += raw;
      lineDisc += d;
      return { index, sku: l.p.sku, name: l.p.name, quantity: l.q, unit_price: l.p.price, catalog_price: null, line_discount: d, discount: l.d, order_discount_share: 0, tax_rate: l.p.tax_rate, gross: raw - d };
    });
    const od = !orderDiscount ? 0 : orderDiscount.endsWith("%") ? Math.round(((subtotal - lineDisc) * parseFloat(orderDiscount)) / 100) : Math.round(parseFloat(orderDiscount) * 100);
    const total = subtotal - lineDisc - od;
    const byRate = {};
    for (const l of lv) {
      const r = (byRate[l.tax_rate] ??= { name: l.tax_rate, basis_points: l.tax_rate === "standard" ? 2000 : 0, net: 0, tax: 0, gross: 0 });
      r.gross += l.gross;
    }
    const tax_breakdown = Object.values(byRate).map((r) => {
      const tax = Math.round((r.gross * r.basis_points) / (10000 + r.basis_points));
      return { ...r, tax, net: r.gross - tax };
    });
    return {
      currency: "GBP", exponent: exp, tax_mode: "inclusive", lines: lv, items: lines.reduce((n, l) => n + l.q, 0),
      subtotal, discount_total: lineDisc + od, order_discount: orderDiscount, tax_total: tax_breakdown.reduce((n, t) => n + t.tax, 0),
      total, tax_breakdown, customer, demo: true,
    };
  }

  /** A finished sale as the till records it; `cardInfo`: what a card payment adds to its line. */
  function sell(tenders, cardInfo) {
    if (scenario === "error" && !cardInfo) return fail("insufficient_tender", "the tenders cover 17.00 of 19.60: 2.60 short");
    const v = view();
    let paid = 0; let change = 0; const payments = []; let redeemed = 0;
    for (const t of tenders) {
      if (t.kind === "points") {
        const pts = parseInt(t.value, 10); const amount = Math.floor(pts);
        redeemed += pts; paid += amount;
        payments.push({ id: "p" + payments.length, tender: "points", status: "succeeded", amount, tendered: null, change: 0, points: pts, refunded: 0 });
      } else {
        const given = t.value === null ? v.total - paid : Math.round(parseFloat(t.value) * 100); const amount = Math.min(given, v.total - paid);
        change = given - amount; paid += amount;
        payments.push({ id: "p" + payments.length, tender: t.kind, status: "succeeded", amount, tendered: t.kind === "cash" ? given : null, change, points: 0, refunded: 0, ...(t.kind === "card" && cardInfo ? cardInfo : {}) });
      }
    }
    if (paid < v.total) return fail("insufficient_tender", `the tenders cover ${(paid / 100).toFixed(2)} of ${(v.total / 100).toFixed(2)}`);
    const order = {
      id: "01JDEMO", number: ++receiptNo, receipt: `TILL-1-${String(receiptNo).padStart(6, "0")}`, till_id: "TILL-1", status: "paid",
      currency: "GBP", tax_mode: "inclusive", rounding_rule: "half_even", subtotal: v.subtotal, discount_total: v.discount_total,
      order_discount: v.order_discount, tax: v.tax_total, total: v.total, cash_rounding: 0, paid, change, refunded_total: 0,
      customer_id: customer?.id ?? null, points_earned: customer ? Math.floor((v.total - redeemed) / 100) : 0, points_redeemed: redeemed,
      points_reversed: 0, created_at: "2026-11-28 10:05:12", demo: true,
      lines: v.lines.map((l, i) => ({ line_no: i + 1, sku: l.sku, name: l.name, quantity: l.quantity, unit_price: l.unit_price, line_discount: l.line_discount, discount: l.discount, order_discount_share: 0, tax_rate: l.tax_rate, tax_basis_points: l.tax_rate === "standard" ? 2000 : 0, net: 0, tax: 0, gross: l.gross, refunded_quantity: 0, refunded_amount: 0 })),
      payments, tax_breakdown: v.tax_breakdown, refunds: [],
    };
    lines = []; orderDiscount = null; customer = null;
    return order;
  }

  // --- card payments: a demo account with one simulated reader ---------------------------------
  const locations = [{ id: "tml_demo", display_name: "Corner Café" }];
  const readers = [
    { id: "tmr_demo", label: "Demo reader", device_type: "simulated_wisepos_e", serial_number: "SIM-DEMO-0001", location: "tml_demo", state: "online", simulated: true, chosen: true },
    { id: "tmr_back", label: "Back counter", device_type: "bbpos_wisepos_e", serial_number: "WSC-513-492", location: "tml_demo", state: "offline", simulated: false, chosen: false },
  ];
  let inDoubt = scenario === "indoubt"
    ? [
      { payment_id: "pi_mock_41", order_id: "01JDOUBT41", receipt: "TILL-1-000039", amount: 640, currency: "GBP", since: "2026-11-28T09:58:00Z" },
      { payment_id: "pi_mock_42", order_id: "01JDOUBT42", receipt: "TILL-1-000040", amount: 1275, currency: "GBP", since: "2026-11-28T10:01:00Z" },
    ]
    : [];
  /** The card payment on the reader: its tenders, progress channel and how to end it. */
  let card = null;
  let paymentNo = 0;
  let lastCardTenders = [];
  const chosenReader = () => readers.find((r) => r.chosen) ?? null;
  const DECLINES = {
    declined: ["card_declined", "The card was declined. Ask for another card or another way to pay."],
    insufficient_funds: ["insufficient_funds", "The card was declined: not enough money on the account."],
    lost_card: ["lost_card", "The card was declined: it is reported lost. Ask for another way to pay."],
    expired: ["expired_card", "The card has expired. Ask for another card."],
  };

  function runCard(tenders, progress, paymentId) {
    const name = chosenReader()?.label ?? "the reader";
    const tell = (stage, message) => progress?.onmessage?.({ stage, message, reader: name, payment_id: paymentId });
    return new Promise((resolve) => {
      card = { tenders, paymentId, tell, resolve };
      lastCardTenders = tenders;
      tell("starting", `Sending the amount to ${name}…`);
      setTimeout(() => card?.paymentId === paymentId && tell("waiting_for_card", `Present the card on ${name}`), 400);
    });
  }

  function endCard(outcome) {
    const c = card;
    card = null;
    c?.resolve(outcome);
  }

  const commands = {
    app_status: () => ({ set_up: setUp, shop: setUp ? shop : null, store_path: "/tmp/mock/store.db" }),
    start_demo: () => ((setUp = true), shop),
    set_up_shop: ({ setup }) => {
      if (!setup.name) return fail("invalid_input", "shop name: must not be empty");
      if (!/^[A-Z]{3}$/.test(setup.currency)) return fail("invalid_input", `currency: '${setup.currency}' is not an ISO 4217 code`);
      setUp = true;
      return { ...shop, name: setup.name, demo: false };
    },
    find_products: ({ text, limit }) => products.filter((p) => p.name.toLowerCase().includes(text.toLowerCase()) || p.sku.toLowerCase().startsWith(text.toLowerCase())).slice(0, limit),
    list_products: ({ category, offset, limit }) => {
      const all = products.filter((p) => !category || p.category === category);
      return { products: all.slice(offset, offset + limit), total: all.length };
    },
    categories: () => ["Coffee", "Tea", "Bakery"],
    current_cart: () => view(),
    cart_add: ({ code, quantity }) => {
      const p = find(code);
      if (!p) return fail("unknown_product", `unknown product '${code}': no SKU or barcode matches`);
      const l = lines.find((x) => x.p === p && !x.d);
      if (l) l.q += quantity; else lines.push({ p, q: quantity, d: null });
      return view();
    },
    cart_set_quantity: ({ line, quantity }) => ((lines[line].q = quantity), view()),
    cart_remove: ({ line }) => (lines.splice(line, 1), view()),
    cart_line_discount: ({ line, discount }) => ((lines[line].d = discount), view()),
    cart_order_discount: ({ discount }) => ((orderDiscount = discount), view()),
    cart_link_customer: ({ customerId }) => ((customer = customers.find((c) => c.id === customerId) ?? null), view()),
    cart_void: () => ((lines = []), (orderDiscount = null), (customer = null), view()),
    cart_park: ({ note }) => {
      const v = view();
      parked.unshift({ id: 8, note, customer_id: customer?.id ?? null, lines: lines.length, parked_at: "2026-11-28 10:02", currency: "GBP", total: v.total, items: v.lines.map((l) => ({ sku: l.sku, name: l.name, quantity: l.quantity, unit_price: l.unit_price })) });
      lines = []; orderDiscount = null; customer = null;
      return view();
    },
    parked_carts: () => parked,
    resume_parked: ({ id }) => {
      if (lines.length) return fail("sale_in_progress", "finish or park the current sale first");
      const c = parked.find((x) => x.id === id);
      parked = parked.filter((x) => x.id !== id);
      lines = c.items.map((i) => ({ p: find(i.sku), q: i.quantity, d: null }));
      return view();
    },
    checkout: ({ tenders }) => sell(tenders, null),
    find_customers: ({ search }) => customers.filter((c) => !search || c.name.toLowerCase().includes(search.toLowerCase())),
    add_customer: ({ customer: c }) => {
      const n = { id: customers.length + 1, ...c, card_uid: null, points_balance: 0, created_at: "2026-11-28" };
      customers.push(n);
      return n;
    },
    order: () => fail("unknown_order", "no such order"),
    staff_status: () => ({ has_staff: true, signed_in: { id: 1, name: "Avery", role: "admin" }, staff: [{ name: "Avery", role: "admin" }] }),

    update_status: () => updates,
    check_for_updates: () => (updates = { ...updates, state: "up_to_date", checked_at: new Date().toISOString() }),
    install_update: () => null,

    payments_status: () => ({ mode: "demo", reader: chosenReader(), problem: chosenReader() ? null : "no reader chosen", in_doubt: inDoubt.length }),
    card_checkout: ({ tenders, progress }) => {
      if (!chosenReader()) return fail("reader_unavailable", "No card reader is chosen for this till: choose one in the back office (Payments).");
      return runCard(tenders, progress, `pi_mock_${++paymentNo}`);
    },
    retry_card_payment: ({ paymentId, progress }) => runCard(lastCardTenders, progress, paymentId),
    abandon_card_payment: () => view(),
    cancel_card_payment: () => {
      if (!card) return fail("no_card_payment", "No card payment is waiting on the reader.");
      endCard({ outcome: "canceled", payment_id: card.paymentId, message: "The payment was canceled at the till." });
      return null;
    },
    present_test_card: ({ card: kind }) => {
      if (!card) return fail("no_card_payment", "No card payment is waiting on the reader.");
      const c = card;
      if (kind === "approved") {
        c.tell("capturing", "Taking the payment…");
        setTimeout(() => {
          const order = sell(c.tenders, { mode: "demo", card_brand: "visa", card_last4: "4242", intent_id: c.paymentId });
          endCard({ outcome: "paid", order });
        }, 500);
      } else {
        const [code, message] = DECLINES[kind];
        setTimeout(() => endCard({ outcome: "declined", payment_id: c.paymentId, message, code }), 300);
      }
      return null;
    },
    readers_list: () => readers,
    locations_list: () => locations,
    register_reader: ({ code, label, location }) => {
      if (!/^[a-z]+(-[a-z]+){2}$/.test(code)) return fail("invalid_input", "code: no reader is waiting with that pairing code");
      const r = { id: `tmr_${readers.length + 1}`, label, device_type: "bbpos_wisepos_e", serial_number: `WSC-${100 + readers.length}`, location, state: "online", simulated: false, chosen: false };
      readers.push(r);
      return r;
    },
    choose_reader: ({ readerId }) => {
      const r = readers.find((x) => x.id === readerId);
      if (!r) return fail("unknown_reader", `no reader ${readerId}`);
      for (const x of readers) x.chosen = x === r;
      return r;
    },
    sync_status: () => ({
      configured: false, relay_url: null, cursor: 0, last_event_at: null, last_pull_at: null, last_error: null, applied_events: 0,
    }),
    check_setup: () => ({
      ok: true,
      checks: [
        { id: "key", title: "Stripe key", status: "skip", detail: "No key is stored: the till runs in demo mode.", fix: "Store a restricted key (rk_…) with versapos doctor to take real cards." },
        { id: "mode", title: "Mode", status: "ok", detail: "Demo: a simulated reader, no real money.", fix: null },
        { id: "reader", title: "Card reader", status: "ok", detail: "Demo reader is chosen and online.", fix: null },
        { id: "relay", title: "Webhook relay", status: "warn", detail: "No relay is set: payment updates come from polling only.", fix: "Set the relay address and till token in versapos doctor." },
      ],
    }),
    payments_in_doubt: () => inDoubt,
    reconcile_payments: () => {
      const settled = inDoubt.slice(0, 1).map((p) => ({ receipt: p.receipt, payment_id: p.payment_id, outcome: "paid", detail: "Stripe captured it at 10:02" }));
      inDoubt = inDoubt.slice(1);
      return { settled, remaining: inDoubt.length };
    },
  };

  if (scenario !== "firstrun" && scenario !== "setup") {
    lines = [{ p: products[1], q: 2, d: null }, { p: products[6], q: 1, d: "10%" }, { p: products[4], q: 1, d: null }];
    customer = customers[0];
  }

  window.__TAURI_INTERNALS__ = {
    invoke(cmd, args = {}) {
      const f = commands[cmd];
      if (!f) return Promise.reject(`mock: no command ${cmd}`);
      try {
        return Promise.resolve(f(args)).then((r) => JSON.parse(JSON.stringify(r)));
      } catch (e) {
        return Promise.reject({ code: "internal", message: String(e) });
      }
    },
    transformCallback: () => 0,
    metadata: { currentWindow: { label: "main" }, currentWebview: { label: "main" } },
  };

  // Stage the dialogs the way a cashier would reach them (keyboard only).
  const key = (k, extra = {}) => window.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true, ...extra }));
  const later = (ms, f) => setTimeout(f, ms);
  const setInput = (sel, v) => {
    const el = document.querySelector(sel);
    el.value = v;
    el.dispatchEvent(new Event("input", { bubbles: true }));
  };
  if (scenario === "setup") {
    later(300, () => document.querySelector("[data-testid=setup-button]").click());
    later(400, () => setInput("#f-shop_name", "Corner Café"));
    later(450, () => setInput("#f-currency", "XX"));
    later(500, () => document.querySelector("[data-testid=setup-submit]").click());
  }
  if (scenario === "customer") later(300, () => key("F4"));
  if (scenario === "parked") later(300, () => key("F9"));
  if (scenario === "scan") {
    [..."500000000002", "Enter"].forEach((k, i) => later(400 + i * 5, () => key(k)));
  }
  if (scenario === "search") later(300, () => setInput("[data-testid=search-input]", "la"));
  if (scenario === "card" || scenario === "declined" || scenario === "cardpaid") {
    later(300, () => key("F12"));
    later(500, () => document.querySelector("[data-testid=pay-card]").click());
    if (scenario !== "card") later(1100, () => document.querySelector(`[data-testid=test-card][data-card=${scenario === "declined" ? "declined" : "approved"}]`).click());
  }
  if (scenario === "readers") {
    later(300, () => key("F10"));
    later(500, () => key("7", { altKey: true }));
    later(700, () => document.querySelector("[data-testid=check-setup]").click());
  }
  if (scenario === "pay" || scenario === "error" || scenario === "receipt") {
    later(300, () => key("F12"));
    later(500, () => setInput("[data-testid=points-input]", "300"));
    later(550, () => document.querySelector("[data-testid=points-add]").click());
    later(650, () => setInput("[data-testid=cash-input]", scenario === "error" ? "17.00" : "20.00"));
    if (scenario !== "pay") later(750, () => document.querySelector("[data-testid=pay-confirm]").click());
  }
})();
