// The small JSON file beside the collection databases: which collections exist, which archive files each holds, and
// the user's settings. It is rewritten whole through a temporary file and a rename, so a crash leaves the old or the
// new version, never half of one.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TextBackendKind, TextMeasurement, Theme, TimeZoneChoice } from '../shared/api-collections.js';
import { CodedError } from '../shared/errors.js';
import { TEXT_BACKENDS, THEMES, TIME_ZONES } from './collections-shapes.js';
import { DEFAULT_MAX_TEXT_MB } from '../core/extract/bound.js';

export interface RegistryCollection {
  name: string;
  /** Database file name inside the data folder; kept when the collection is renamed. */
  db: string;
  createdAt: string;
  /** Archive files in the order they were added. */
  files: string[];
}

export interface RegistryData {
  version: 1;
  collections: RegistryCollection[];
  settings: RegistrySettings;
}

export interface RegistrySettings {
  theme: Theme;
  lastCollection: string | null;
  allowedRoots: string[];
  textBackend: TextBackendKind;
  timeZone: TimeZoneChoice;
  maxTextMb: number;
  textMeasurement: TextMeasurement | null;
}

const DEFAULT_SETTINGS: RegistrySettings = {
  theme: 'system', lastCollection: null, allowedRoots: [], textBackend: 'auto', timeZone: 'local', maxTextMb: DEFAULT_MAX_TEXT_MB,
  textMeasurement: null,
};

/** A remembered measurement as read back: anything malformed is dropped (the next 'auto' ingest measures again). */
function measurementFrom(v: unknown): TextMeasurement | null {
  const m = v as Partial<TextMeasurement> | null;
  const ok = !!m && typeof m === 'object' && typeof m.machine === 'string' && typeof m.renderer === 'string' &&
    (m.choice === 'cpu' || m.choice === 'gpu') && typeof m.cpuMBps === 'number' && typeof m.gpuMBps === 'number' &&
    typeof m.measuredAt === 'string';
  return ok ? (m as TextMeasurement) : null;
}

/** Whether `v` is a text-extraction bound the settings accept, in MB. */
export function isMaxTextMb(v: unknown): v is number {
  return Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 4096;
}

/** The settings of a registry file as read: a value this version does not know (hand-edited, or written by a later
 *  version) falls back to its default instead of reaching the UI. */
function settingsFrom(loaded: Partial<Record<keyof RegistrySettings, unknown>> = {}): RegistrySettings {
  const oneOf = <T extends string>(values: readonly T[], v: unknown, fallback: T): T =>
    values.includes(v as T) ? (v as T) : fallback;
  const d = DEFAULT_SETTINGS;
  return {
    theme: oneOf(THEMES, loaded.theme, d.theme),
    lastCollection: typeof loaded.lastCollection === 'string' ? loaded.lastCollection : d.lastCollection,
    allowedRoots: Array.isArray(loaded.allowedRoots) ? loaded.allowedRoots.filter((r): r is string => typeof r === 'string') : [],
    textBackend: oneOf(TEXT_BACKENDS, loaded.textBackend, d.textBackend),
    timeZone: oneOf(TIME_ZONES, loaded.timeZone, d.timeZone),
    maxTextMb: isMaxTextMb(loaded.maxTextMb) ? loaded.maxTextMb : d.maxTextMb,
    textMeasurement: measurementFrom(loaded.textMeasurement),
  };
}

const NAME_MAX = 100;

/** A collection name is shown and typed by people: any printable text, trimmed, at most NAME_MAX characters. */
export function checkName(raw: string): string {
  const name = raw.trim();
  if (!name || name.length > NAME_MAX || /[\u0000-\u001f\u007f]/.test(name)) {
    throw new CodedError('bad-name', `A collection name needs 1 to ${NAME_MAX} printable characters.`);
  }
  return name;
}

export class Registry {
  readonly file: string;
  private data: RegistryData;
  /** Where an unreadable registry was moved at start, if it was. */
  brokenCopy: string | null = null;

  /** `readOnly`: a reader beside the owner (the replay origin) leaves an unreadable file where it is and says so. */
  constructor(readonly dataDir: string, opts: { readOnly?: boolean } = {}) {
    this.file = join(dataDir, 'archivestream.json');
    this.data = { version: 1, collections: [], settings: settingsFrom() };
    if (existsSync(this.file)) {
      let loaded: Partial<RegistryData>;
      try {
        loaded = JSON.parse(readFileSync(this.file, 'utf8')) as Partial<RegistryData>;
      } catch {
        if (opts.readOnly) throw new CodedError('registry-unreadable', `${this.file} cannot be read as JSON.`, this.file);
        // Hand-edited or damaged: keep it for the person to look at, and start over rather than refuse to start.
        this.brokenCopy = `${this.file}.broken-${Date.now()}`;
        renameSync(this.file, this.brokenCopy);
        loaded = {};
      }
      this.data = {
        version: 1,
        collections: loaded.collections ?? [],
        settings: settingsFrom(loaded.settings),
      };
    }
  }

  get collections(): readonly RegistryCollection[] {
    return this.data.collections;
  }

  get settings(): RegistryData['settings'] {
    return this.data.settings;
  }

  find(name: string): RegistryCollection {
    const c = this.data.collections.find((x) => x.name === name);
    if (!c) throw new CodedError('collection-not-found', `There is no collection named “${name}”.`);
    return c;
  }

  create(rawName: string): RegistryCollection {
    const name = checkName(rawName);
    if (this.data.collections.some((x) => x.name === name)) {
      throw new CodedError('collection-exists', `A collection named “${name}” already exists.`);
    }
    const entry = { name, db: `collection-${randomBytes(6).toString('hex')}.sqlite`, createdAt: new Date().toISOString(), files: [] };
    this.data.collections.push(entry);
    this.save();
    return entry;
  }

  rename(from: string, rawTo: string): RegistryCollection {
    const entry = this.find(from);
    const to = checkName(rawTo);
    if (to !== from && this.data.collections.some((x) => x.name === to)) {
      throw new CodedError('collection-exists', `A collection named “${to}” already exists.`);
    }
    entry.name = to;
    if (this.data.settings.lastCollection === from) this.data.settings.lastCollection = to;
    this.save();
    return entry;
  }

  remove(name: string): RegistryCollection {
    const entry = this.find(name);
    this.data.collections = this.data.collections.filter((x) => x !== entry);
    if (this.data.settings.lastCollection === name) this.data.settings.lastCollection = null;
    this.save();
    return entry;
  }

  save(): void {
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.data, null, 2));
    renameSync(tmp, this.file);
  }
}
