// Child-process driver for the memory tests (bomb.test.ts, large-record.test.ts): reads one archive the way the CLI's
// `records` and the ingest worker do, and prints one JSON line with what it read and the process's peak RSS, which
// only a process of its own can measure.
import { captureRow, htmlPage, isHtmlPage } from '../../../src/core/ingest/rows.js';
import { openArchive } from '../../../src/core/warc/index.js';

const [mode, path] = process.argv.slice(2);
const problems: string[] = [];
const file = openArchive(path, { onProblem: (p) => problems.push(p.code) });
let records = 0;
const digests: string[] = [];
for (const r of file.records()) {
  records++;
  if (mode === 'ingest') {
    const row = captureRow(r, 1);
    digests.push(row.digest ?? '');
    if (isHtmlPage(row)) htmlPage(r, row, 16 * 1024 * 1024, () => problems.push('payload-truncated-for-text'));
  } else r.http();
}
file.close();
process.stdout.write(JSON.stringify({ records, problems, digests, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }) + '\n');
