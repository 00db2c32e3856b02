// Line diff of two extracted texts (two captures of one URL): Myers' O(ND) algorithm ("An O(ND) Difference Algorithm
// and Its Variations", 1986), after trimming the common head and tail, which is most of two captures of one page.
import type { DiffOp } from '../../shared/api-collections.js';

export interface LineDiff {
  ops: DiffOp[];
  added: number;
  removed: number;
  /** True when the edit distance went past `maxEdits` and the middle is shown as one delete plus one insert. */
  coarse: boolean;
}

/** Lines of a and b compared exactly; consecutive lines of one kind are merged into one op, joined by '\n'. */
export function diffLines(a: string, b: string, maxEdits = 4000): LineDiff {
  const x = a === '' ? [] : a.split('\n');
  const y = b === '' ? [] : b.split('\n');
  let head = 0;
  while (head < x.length && head < y.length && x[head] === y[head]) head++;
  let tail = 0;
  while (tail < x.length - head && tail < y.length - head && x[x.length - 1 - tail] === y[y.length - 1 - tail]) tail++;
  const xm = x.slice(head, x.length - tail);
  const ym = y.slice(head, y.length - tail);

  const raw: Array<{ op: DiffOp['op']; line: string }> = [];
  for (const line of x.slice(0, head)) raw.push({ op: 'same', line });
  const middle = myers(xm, ym, maxEdits);
  const coarse = middle === null;
  if (middle) raw.push(...middle);
  else {
    for (const line of xm) raw.push({ op: 'del', line });
    for (const line of ym) raw.push({ op: 'add', line });
  }
  for (const line of x.slice(x.length - tail)) raw.push({ op: 'same', line });

  const ops: DiffOp[] = [];
  let added = 0;
  let removed = 0;
  for (const { op, line } of raw) {
    if (op === 'add') added++;
    if (op === 'del') removed++;
    const last = ops.at(-1);
    if (last && last.op === op) last.text += '\n' + line;
    else ops.push({ op, text: line });
  }
  return { ops, added, removed, coarse };
}

/** The shortest edit script as per-line ops, or null when it needs more than maxEdits edits. */
function myers(x: string[], y: string[], maxEdits: number): Array<{ op: DiffOp['op']; line: string }> | null {
  const n = x.length;
  const m = y.length;
  const max = Math.min(n + m, maxEdits);
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = n === 0 && m === 0;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let px: number;
      if (k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1])) px = v[offset + k + 1];
      else px = v[offset + k - 1] + 1;
      let py = px - k;
      while (px < n && py < m && x[px] === y[py]) {
        px++;
        py++;
      }
      v[offset + k] = px;
      if (px >= n && py >= m) {
        found = true;
        break;
      }
    }
  }
  if (!found) return null;
  // Walk the saved frontiers back from (n, m) to (0, 0).
  const out: Array<{ op: DiffOp['op']; line: string }> = [];
  let px = n;
  let py = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const vd = trace[d];
    const k = px - py;
    const prevK = k === -d || (k !== d && vd[offset + k - 1] < vd[offset + k + 1]) ? k + 1 : k - 1;
    const prevX = vd[offset + prevK];
    const prevY = prevX - prevK;
    while (px > prevX && py > prevY) {
      py--;
      out.push({ op: 'same', line: x[--px] });
    }
    if (d > 0) {
      if (px === prevX) out.push({ op: 'add', line: y[--py] });
      else out.push({ op: 'del', line: x[--px] });
    }
  }
  return out.reverse();
}
