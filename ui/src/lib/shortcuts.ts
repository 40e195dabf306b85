// The till's keyboard map: one place that says which key does what, used both to handle keys and
// to print the key next to each button.

export type Action =
  | "search"
  | "customer"
  | "orderDiscount"
  | "void"
  | "park"
  | "parked"
  | "pay"
  | "card"
  | "cart"
  | "manage"
  | "lock"
  | "close";

export interface KeyLike {
  key: string;
  ctrlKey?: boolean;
  altKey?: boolean;
  metaKey?: boolean;
  shiftKey?: boolean;
}

export const SHORTCUT_LABELS: Record<Action, string> = {
  search: "F2",
  customer: "F4",
  orderDiscount: "F6",
  void: "F7",
  park: "F8",
  parked: "F9",
  pay: "F12",
  card: "F5",
  cart: "F3",
  manage: "F10",
  lock: "F11",
  close: "Esc",
};

/** The screen-wide action for a key press, or null when the key is not a shortcut. */
export function actionFor(e: KeyLike): Action | null {
  const mod = e.ctrlKey || e.metaKey;
  if (mod && e.key === "Enter") return "pay";
  if (e.altKey || mod) return null;
  switch (e.key) {
    case "F2":
      return "search";
    case "F4":
      return "customer";
    case "F6":
      return "orderDiscount";
    case "F7":
      return "void";
    case "F8":
      return "park";
    case "F9":
      return "parked";
    case "F12":
      return "pay";
    case "F5":
      return "card";
    case "F3":
      return "cart";
    case "F10":
      return "manage";
    case "F11":
      return "lock";
    case "Escape":
      return "close";
    default:
      return null;
  }
}

export type LineAction = "increment" | "decrement" | "remove" | "discount" | "price";

/** What a key does to the focused cart line. */
export function lineActionFor(e: KeyLike): LineAction | null {
  if (e.altKey || e.ctrlKey || e.metaKey) return null;
  switch (e.key) {
    case "+":
    case "=":
    case "Add":
      return "increment";
    case "-":
    case "Subtract":
      return "decrement";
    case "Delete":
    case "Backspace":
      return "remove";
    case "%":
      return "discount";
    case "*":
    case "Multiply":
      return "price";
    default:
      return null;
  }
}

/** Where ↑/↓/Home/End move a highlight in a list of `count` rows (-1: nothing highlighted). */
export function moveHighlight(current: number, key: string, count: number): number {
  if (count <= 0) return -1;
  switch (key) {
    case "ArrowDown":
      return current < 0 ? 0 : Math.min(current + 1, count - 1);
    case "ArrowUp":
      return current <= 0 ? 0 : current - 1;
    case "Home":
      return 0;
    case "End":
      return count - 1;
    default:
      return Math.min(current, count - 1);
  }
}
