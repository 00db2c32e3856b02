// Raw bytes of a record as a hex dump with absolute file offsets. It reads one page at a time through 'archive.raw'
// (at most 64 KiB a call by contract), so a record of any size is browsed without loading it whole.
import { useEffect, useState } from 'react';
import { call } from '../api/client.js';
import { base64ToBytes, describeError, formatCount, hexRows, type HexRow } from '../format.js';

export const HEX_PAGE = 4096;

/** A file offset as a hex dump writes it: ten hexadecimal digits. The page line gives the same in decimal, which is
 *  how the rest of the app (the record's header, citations, errors) names offsets. */
const hexOffset = (n: number) => n.toString(16).padStart(10, '0');

export function HexView({ file, offset, length }: { file: string; offset: number; length: number }) {
  const [page, setPage] = useState(0);
  const [rows, setRows] = useState<HexRow[]>([]);
  const [error, setError] = useState<string | null>(null);
  const pages = Math.max(1, Math.ceil(length / HEX_PAGE));
  const first = offset + page * HEX_PAGE;
  const last = Math.min(offset + length, offset + (page + 1) * HEX_PAGE) - 1;

  useEffect(() => setPage(0), [file, offset]);
  useEffect(() => {
    let live = true;
    call('archive.raw', { file, offset, length, from: page * HEX_PAGE, size: HEX_PAGE }).then(
      (r) => {
        if (!live) return;
        setRows(hexRows(base64ToBytes(r.base64), r.offset));
        setError(null);
      },
      (e: unknown) => {
        if (live) setError(describeError(e));
      },
    );
    return () => {
      live = false;
    };
  }, [file, offset, length, page]);

  return (
    <div className="hexview">
      <div className="row">
        <button type="button" disabled={page === 0} onClick={() => setPage(0)}>
          First
        </button>
        <button type="button" disabled={page === 0} onClick={() => setPage(page - 1)}>
          Previous page
        </button>
        <span className="meta" aria-live="polite">
          Page {page + 1} of {formatCount(pages)} · bytes {formatCount(first)}–{formatCount(last)} of the file (hexadecimal {hexOffset(first)}–{hexOffset(last)}, as in
          the offsets column)
        </span>
        <button type="button" disabled={page >= pages - 1} onClick={() => setPage(page + 1)}>
          Next page
        </button>
        <button type="button" disabled={page >= pages - 1} onClick={() => setPage(pages - 1)}>
          Last
        </button>
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <pre className="hex" aria-label="Hex dump" data-testid="hex-dump" tabIndex={0}>
        {rows.map((r) => `${hexOffset(r.offset)}  ${r.hex}  |${r.ascii}|`).join('\n')}
      </pre>
    </div>
  );
}
