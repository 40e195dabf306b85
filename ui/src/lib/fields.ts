// Number fields select what they hold when focused, everywhere: typing replaces the old figure
// ("20%" then typing "100%" gives "100%", not "100%20%"). A field is a number field by its
// keyboard: inputmode "numeric" or "decimal", or type="number".

/** Whether `el` is a field holding a number (an amount, a quantity, a discount, a PIN). */
export function isNumberField(el: EventTarget | null): el is HTMLInputElement {
  if (!(el instanceof HTMLInputElement)) return false;
  const mode = el.inputMode || el.getAttribute("inputmode") || "";
  return mode === "numeric" || mode === "decimal" || el.type === "number";
}

/** Selects a number field's content as it gains focus; returns how to stop. */
export function selectNumbersOnFocus(root: Document | HTMLElement = document): () => void {
  const onFocus = (e: Event) => {
    const el = e.target;
    if (!isNumberField(el)) return;
    // After the browser has placed the caret from the click that focused it.
    queueMicrotask(() => {
      if (document.activeElement === el) el.select();
    });
  };
  root.addEventListener("focusin", onFocus);
  return () => root.removeEventListener("focusin", onFocus);
}
