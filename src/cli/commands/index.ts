import type { Command } from '../command.js';
import { cdxj } from './cdxj.js';
import { check } from './check.js';
import { errors } from './errors.js';
import { exportCommand } from './export.js';
import { index } from './ingest.js';
import { recompress } from './recompress.js';
import { records } from './records.js';
import { replayLedger } from './replay-ledger.js';
import { search } from './search.js';
import { serve } from './serve.js';
import { text } from './text.js';

// Every sub-command, in the order `archivestream --help` lists them: reading a file, then collections, then replay.
export const commands: Command[] = [records, cdxj, check, text, recompress, index, search, errors, exportCommand, replayLedger, serve];
