// Settings: theme, the time zone times are shown in, where ingest extracts page text, the folders the folder browser
// may show, and where the data and the logs are (for bug reports). All but the last are kept in the engine's settings.
import { useEffect, useState } from 'react';
import type { TextBackendKind, Theme } from '../../shared/api-collections.js';
import type { ResultOf } from '../../shared/api.js';
import { call, engine } from '../api/client.js';
import { rate } from '../../shared/text-rate.js';
import { describeError } from '../format.js';
import { useApp, useAppFields } from '../store.js';
import { TelemetrySettings } from './TelemetrySettings.js';

function CopyablePath({ label, path }: { label: string; path: string }) {
  const [copied, setCopied] = useState<string | null>(null);
  return (
    <div className="row">
      <dt>{label}</dt>
      <dd className="row">
        <code>{path}</code>
        <button
          type="button"
          aria-label={`Copy the ${label.toLowerCase()} path`}
          onClick={() =>
            navigator.clipboard.writeText(path).then(
              () => setCopied('Copied'),
              () => setCopied('Could not reach the clipboard: select the path and copy it'),
            )
          }
        >
          Copy
        </button>
        <span role="status" className="meta">
          {copied}
        </span>
      </dd>
    </div>
  );
}

/** Browser mode cannot open a folder on the user's machine, so it shows the paths to copy; the desktop app opens it. */
function AppPaths() {
  const [paths, setPaths] = useState<ResultOf<'app.paths'> | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    call('app.paths', {}).then(setPaths, (e: unknown) => setError(describeError(e)));
  }, []);
  const shell = engine.shell;
  return (
    <section aria-label="Data and logs">
      <h3>Data and logs</h3>
      <p className="meta">To report a problem, attach engine.log (and engine.log.1 … .3 if there) from the logs folder.</p>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {paths && (
        <dl>
          <CopyablePath label="Data folder" path={paths.dataDir} />
          <CopyablePath label="Logs folder" path={paths.logsDir} />
        </dl>
      )}
      {shell && (
        <button type="button" onClick={() => void shell.openLogsFolder()}>
          Open logs folder
        </button>
      )}
    </section>
  );
}

/** Local time by default; UTC is what the archive files say. Citations and exports are UTC either way. */
function TimeZoneSetting() {
  const { timeZone, setTimeZone } = useAppFields('timeZone', 'setTimeZone');
  const local = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return (
    <fieldset className="row">
      <legend>Show times in</legend>
      <label>
        <input type="radio" name="time-zone" checked={timeZone === 'local'} onChange={() => void setTimeZone('local')} /> Local time ({local})
      </label>
      <label>
        <input type="radio" name="time-zone" checked={timeZone === 'utc'} onChange={() => void setTimeZone('utc')} /> UTC
      </label>
      <small className="meta">Hover a time to see it in the other zone. Citations and exports always give UTC.</small>
    </fieldset>
  );
}

/** What Start ingest asks the engine for; the GPU is this window's (WebGL2), lent to the engine while it is open. */
const TEXT_BACKENDS: Array<[TextBackendKind, string]> = [
  ['auto', 'Automatic (measure)'],
  ['cpu', 'CPU'],
  ['gpu', 'GPU'],
];

/** What Automatic measured, and a way to measure again (a new driver, a machine that was busy when it measured). */
function TextMeasurementLine() {
  const m = useApp((s) => s.settings?.textMeasurement ?? null);
  const forget = async () => useApp.setState({ settings: await call('settings.update', { remeasureText: true }) });
  if (!m) return <p className="meta">Not measured yet on this machine: the next ingest measures.</p>;
  return (
    <p className="meta row">
      <span title={`${m.machine}; ${m.renderer}`}>
        Measured {m.measuredAt.slice(0, 10)}: CPU {rate(m.cpuMBps)}, GPU {rate(m.gpuMBps)}, so {m.choice.toUpperCase()} is used.
      </span>
      <button type="button" onClick={() => void forget()}>
        Measure again
      </button>
    </p>
  );
}

/** Allowing a folder takes two steps: the engine prints a code on the terminal it was started from, and the person
 *  types it here. No page (nor anything else that can only call the API) can take the second step by itself. */
function AllowFolder() {
  const [root, setRoot] = useState('');
  const [code, setCode] = useState('');
  const [asked, setAsked] = useState<string | null>(null); // the folder a code was printed for
  const [message, setMessage] = useState<string | null>(null);

  const submit = async () => {
    const folder = root.trim();
    if (!folder) return;
    try {
      const settings = await call('settings.update', asked === folder ? { addRoot: folder, confirmCode: code.trim() } : { addRoot: folder });
      useApp.setState({ settings });
      setRoot('');
      setAsked(null);
      setMessage(null);
    } catch (e) {
      const needsCode = (e as { apiError?: { code: string } }).apiError?.code === 'needs-confirmation';
      setAsked(needsCode ? folder : null);
      setMessage(describeError(e));
    }
    setCode('');
  };

  return (
    <form
      className="row"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <label>
        Folder
        <input value={root} onChange={(e) => setRoot(e.target.value)} placeholder="/data/archives" size={40} />
      </label>
      {asked !== null && asked === root.trim() && (
        <label>
          Code from the terminal
          <input value={code} onChange={(e) => setCode(e.target.value)} autoComplete="off" spellCheck={false} size={12} />
        </label>
      )}
      <button type="submit">{asked !== null && asked === root.trim() ? 'Confirm folder' : 'Allow folder'}</button>
      {message && (
        <p role="status" className="meta">
          {message}
        </p>
      )}
    </form>
  );
}

export function SettingsView() {
  const { settings, updateSettings } = useAppFields('settings', 'updateSettings');
  if (!settings) return <p className="empty">Loading settings…</p>;
  return (
    <section aria-label="Settings" className="settings">
      <h2>Settings</h2>
      <fieldset className="row">
        <legend>Theme</legend>
        {(['system', 'light', 'dark'] as Theme[]).map((t) => (
          <label key={t}>
            <input type="radio" name="theme" checked={settings.theme === t} onChange={() => void updateSettings({ theme: t })} />{' '}
            {t === 'system' ? 'Follow the system' : t === 'light' ? 'Light' : 'Dark'}
          </label>
        ))}
      </fieldset>
      <TimeZoneSetting />
      <fieldset className="row">
        <legend>Text extraction</legend>
        {TEXT_BACKENDS.map(([kind, label]) => (
          <label key={kind}>
            <input type="radio" name="text-backend" checked={settings.textBackend === kind} onChange={() => void updateSettings({ textBackend: kind })} />{' '}
            {label}
          </label>
        ))}
        <small className="meta">
          Automatic times the CPU against this window’s GPU once per machine and GPU, beside the first ingest (which
          uses the CPU meanwhile), and from then on uses the faster. GPU needs WebGL2.
        </small>
        <TextMeasurementLine />
      </fieldset>
      <h3>Folders the file browser may show</h3>
      <ul aria-label="Allowed folders">
        {settings.allowedRoots.map((r) => (
          <li key={r}>
            <code>{r}</code>{' '}
            {settings.commandLineRoots.includes(r) ? (
              <small>(from --allow-dir)</small>
            ) : (
              <button type="button" onClick={() => void updateSettings({ removeRoot: r })} aria-label={`Remove folder ${r}`}>
                Remove
              </button>
            )}
          </li>
        ))}
        {settings.allowedRoots.length === 0 && <li className="empty">None yet.</li>}
      </ul>
      <AllowFolder />
      <AppPaths />
      <TelemetrySettings />
    </section>
  );
}
