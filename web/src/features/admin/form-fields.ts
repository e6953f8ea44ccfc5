/** A text field of a submitted form ('' when absent). */
export function text(fields: FormData, name: string): string {
  const value = fields.get(name);
  return typeof value === 'string' ? value.trim() : '';
}

/** Every value of a field that repeats (ticked checkboxes of one name). */
export function texts(fields: FormData, name: string): string[] {
  return fields.getAll(name).filter((value): value is string => typeof value === 'string');
}

/** The non-empty lines of a text area. */
export function lines(fields: FormData, name: string): string[] {
  return text(fields, name)
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
}
