// Reading the records replay serves: archives stay open between requests (a page's resources mostly come from the
// same few files), the least recently used closed past a bound.
import { openArchive } from '../warc/index.js';
import type { ArchiveFile, ArchiveRecord } from '../warc/types.js';

export interface RecordReader {
  read(file: string, offset: number, length: number): ArchiveRecord;
}

/** Open archives by path, least recently used first out. */
export class ArchivePool implements RecordReader {
  private readonly open = new Map<string, ArchiveFile>();
  constructor(private readonly max = 32) {}

  read(file: string, offset: number, length: number): ArchiveRecord {
    let archive = this.open.get(file);
    if (archive) this.open.delete(file); // re-inserted below: the Map's order is the LRU order
    else archive = openArchive(file);
    this.open.set(file, archive);
    if (this.open.size > this.max) {
      const [oldest, value] = this.open.entries().next().value!;
      value.close();
      this.open.delete(oldest);
    }
    return archive.readRecord(offset, length);
  }

  close(): void {
    for (const a of this.open.values()) a.close();
    this.open.clear();
  }
}
