// Settings: theme, and the folders the folder browser may show.
import { useState } from 'react';
import type { Theme } from '../../shared/api-collections.js';
import { useApp } from '../store.js';

export function SettingsView() {
  const { settings, updateSettings } = useApp();
  const [root, setRoot] = useState('');
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
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (root.trim()) void updateSettings({ addRoot: root.trim() }).then(() => setRoot(''));
        }}
      >
        <label>
          Folder
          <input value={root} onChange={(e) => setRoot(e.target.value)} placeholder="/data/archives" size={40} />
        </label>
        <button type="submit">Allow folder</button>
      </form>
    </section>
  );
}
