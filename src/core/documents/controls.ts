// Characters stored text never holds: C0 controls but tab and line feed, and DEL. Snippets mark matches with STX/ETX
// (search/sql.ts MARK_START/MARK_END), which a PDF's text (an unmapped glyph) or a plain-text file can hold.
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

/** The text with each such control replaced by a space. */
export function withoutControls(s: string): string {
  return s.replace(CONTROLS, ' ');
}
