/**
 * CSV cells that stay data (RFC 4180 quoting, and the OWASP "CSV injection" guard): a spreadsheet
 * reads a cell beginning with =, +, -, @, a tab or a carriage return as a formula, so such a cell
 * is written with a leading apostrophe, which spreadsheets show as text and imports take off again.
 */
const FORMULA_START = /^'*[=+\-@\t\r]/;

export function csvCell(value: string): string {
  // Apostrophes already in front of a formula character get one more, so reading back is exact.
  const v = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(v) || /^\s|\s$/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** The value a cell written by csvCell stood for: the guarding apostrophe is taken off. */
export function csvValue(cell: string): string {
  return cell.startsWith("'") && FORMULA_START.test(cell.slice(1)) ? cell.slice(1) : cell;
}
