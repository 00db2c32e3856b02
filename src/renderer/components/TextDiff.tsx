// The line diff of two captures' extracted texts (record.diff): the record viewer's Compare tab and the replay view's
// side-by-side show the same one.
import { call } from '../api/client.js';
import { formatCount, plural } from '../format.js';
import { useAsync } from '../use-async.js';

/** The changes that turn capture a's text into capture b's. */
export function TextDiff({ collection, a, b }: { collection: string; a: number; b: number }) {
  const { value: diff, error } = useAsync(() => call('record.diff', { collection, a, b }), [collection, a, b]);
  if (error)
    return (
      <p role="alert" className="error">
        {error}
      </p>
    );
  if (!diff) return <p className="meta">Comparing the texts…</p>;
  return (
    <>
      <p className="meta" data-testid="diff-summary">
        {diff.added === 0 && diff.removed === 0 ? 'The extracted texts are identical.' : `${plural(diff.added, 'line')} added, ${formatCount(diff.removed)} removed`}
        {diff.coarse && ' (too many changes to align line by line)'}
      </p>
      <pre className="diff" aria-label="Text differences" tabIndex={0}>
        {diff.ops.map((o, i) => (
          <span key={i} className={`diff-${o.op}`}>
            {o.text
              .split('\n')
              .map((l) => (o.op === 'add' ? '+ ' : o.op === 'del' ? '- ' : '  ') + l)
              .join('\n') + '\n'}
          </span>
        ))}
      </pre>
    </>
  );
}
