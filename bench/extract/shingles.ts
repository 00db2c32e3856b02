// The article-extraction benchmark's measure (its evaluate.py, restated): word 4-gram "shingles" of the expected and
// the extracted text, counted with multiplicity; per page tp, fp, fn normalised to sum 1; precision and recall are
// means over pages, F1 is their harmonic mean. Used for per-page diagnostics and for the readability-expected pages;
// the published figures come from running evaluate.py itself.

/** Python's \w+ with re.UNICODE: letters, digits (any script) and '_'. */
const TOKEN = /[\p{L}\p{N}_]+/gu;

function shingles(text: string): Map<string, number> {
  const tokens = text.match(TOKEN) ?? [];
  const counts = new Map<string, number>();
  for (let i = 0; i < Math.max(1, tokens.length - 3); i++) {
    const key = tokens.slice(i, i + 4).join('\u0001');
    if (key) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

export interface Match {
  tp: number;
  fp: number;
  fn: number;
}

export function shingleMatch(expected: string, extracted: string): Match {
  const t = shingles(expected);
  const p = shingles(extracted);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const key of new Set([...t.keys(), ...p.keys()])) {
    const a = t.get(key) ?? 0;
    const b = p.get(key) ?? 0;
    tp += Math.min(a, b);
    fp += Math.max(0, b - a);
    fn += Math.max(0, a - b);
  }
  const s = tp + fp + fn;
  return s > 0 ? { tp: tp / s, fp: fp / s, fn: fn / s } : { tp, fp, fn };
}

function precisionOf({ tp, fp, fn }: Match): number {
  return fp === 0 && fn === 0 ? 1 : tp === 0 && fp === 0 ? 0 : tp / (tp + fp);
}

function recallOf({ tp, fp, fn }: Match): number {
  return fp === 0 && fn === 0 ? 1 : tp === 0 && fn === 0 ? 0 : tp / (tp + fn);
}

export function pageF1(m: Match): number {
  const p = precisionOf(m);
  const r = recallOf(m);
  return p + r > 0 ? (2 * p * r) / (p + r) : 0;
}

export interface Score {
  f1: number;
  precision: number;
  recall: number;
}

export function score(matches: readonly Match[]): Score {
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
  const precision = mean(matches.filter((m) => m.tp + m.fp > 0).map(precisionOf));
  const recall = mean(matches.filter((m) => m.tp + m.fn > 0).map(recallOf));
  return { f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0, precision, recall };
}
