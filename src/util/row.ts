// A result row: the plain record every analysis returns and every table (HTML, CSV, notebook)
// draws. It lives below both, so analysis and viz share it without importing each other.
export type Cell = number | string | boolean | null | undefined;
export type Row = Record<string, Cell>;
