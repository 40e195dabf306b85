// The shapes the till's commands take and return, generated from the Rust types by ts-rs into
// ./bindings (never edit those by hand: `scripts/bindings` rewrites them). The UI imports them
// from here so that one file says which generated types it relies on.

export type {
  AppStatus,
  CartLineView,
  CartView,
  CommandError,
  Customer,
  LineView,
  LoyaltyRules,
  NewCustomerInput,
  OrderView,
  ParkedCart,
  ParkedItem,
  PaymentView,
  Product,
  ProductPage,
  RefundSummary,
  Shop,
  ShopSetupInput,
  TaxLineView,
  TaxMode,
  TaxRate,
  TaxRateInput,
  TenderInput,
} from "./bindings";
