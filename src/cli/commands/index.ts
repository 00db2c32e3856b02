import type { Command } from '../command.js';
import { cdxj } from './cdxj.js';
import { check } from './check.js';
import { recompress } from './recompress.js';
import { records } from './records.js';

// Every sub-command, in the order `archivestream --help` lists them.
export const commands: Command[] = [records, cdxj, check, recompress];
