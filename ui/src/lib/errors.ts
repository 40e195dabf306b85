// Placing an error message on a form: next to the field it names, else at the top.

/**
 * The field a back-end message names. Validation errors read "field: message" (TillError::Invalid);
 * returns the field when it is one of `fields`, else null.
 */
export function fieldOf(message: string, fields: readonly string[]): string | null {
  const m = /^\s*([A-Za-z_][\w .-]*?)\s*:/.exec(message);
  if (!m) return null;
  const named = m[1].toLowerCase().replace(/[\s-]+/g, "_");
  return fields.find((f) => f === named) ?? fields.find((f) => named.endsWith(f)) ?? null;
}

/** The field an error belongs to: the one its message names, else the one its code implies. */
export function fieldForError(
  err: { code: string; message: string },
  fields: readonly string[],
  byCode: Record<string, string> = {},
): string | null {
  return fieldOf(err.message, fields) ?? byCode[err.code] ?? null;
}

/**
 * A message shown next to its field, in words: the "field: " the till puts first for the
 * machine is taken off, since the field is right there ("till_id: till id 'a b' must be…" reads
 * "Till id 'a b' must be…").
 */
export function messageForField(message: string): string {
  const m = /^\s*[A-Za-z_][\w .-]*?\s*:\s*(.+)$/s.exec(message);
  const rest = m ? m[1] : message;
  return rest.charAt(0).toUpperCase() + rest.slice(1);
}
