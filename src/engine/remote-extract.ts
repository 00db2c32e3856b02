// A client's GPU text extractor as a TextBackend for ingest (issue 4). The renderer runs the gpu.js kernels in a Web
// Worker and offers them with 'extract.offer'; the engine pushes a batch of decoded pages as an 'extract.request'
// event and the client answers with 'extract.reply'. Both transports carry events one way and calls the other (browser
// mode: Server-Sent Events and POST; Electron: the IPC channel and the preload bridge), so this works over either.
//
// Nothing is lost when the client is not there: a batch whose reply does not come in time, whose client's event stream
// closes, or whose reply is an error or malformed is extracted on the CPU here instead, and an 'engine.notice' says so.
import { currentTraceparent } from '../core/telemetry/index.js';
import { extractText, type ExtractedText } from '../core/extract/index.js';
import { GpuBackendError, type TextBackend } from '../core/extract-gpu/index.js';
import type { ArgsOf, EXTRACT_METHODS, ResultOf } from '../shared/api.js';
import type { EventBus } from './events.js';
import { BadRequest } from './validate.js';

export interface RemoteExtractOptions {
  /** How long an offer lasts without renewal; the client renews it at a third of this. */
  leaseMs?: number;
  /** How long a batch's reply may take, plus 1 ms per 100 code units (0.1 MB/s, well below software WebGL's 1-3). */
  timeoutMs?: number;
}

const LEASE_MS = 30_000;
const TIMEOUT_MS = 30_000;
const CHARS_PER_MS = 100;

const NO_EXTRACTOR_MESSAGE =
  'no GPU text extractor is connected: open ArchiveStream in a window or browser tab with WebGL2, or extract with the CPU';

interface Offer {
  extractor: string;
  renderer: string;
  /** The event stream of the client that offered it (browser mode), or null. */
  client: string | null;
  renewedAt: number;
}

interface Pending {
  extractor: string;
  pages: number;
  resolve(results: ExtractedText[]): void;
  fail(why: string): void;
}

type ExtractHandlers = { [M in (typeof EXTRACT_METHODS)[number]]: (args: ArgsOf<M>) => ResultOf<M> };

export class RemoteExtractors {
  /** In the order first offered: the newest offer, the last, is the one used. */
  private readonly offers = new Map<string, Offer>();
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  /** One batch at a time: the client's worker runs them one after another anyway, and a timer should time the
   *  extraction, not the wait behind another batch. */
  private line: Promise<unknown> = Promise.resolve();
  private readonly leaseMs: number;
  private readonly timeoutMs: number;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly events: EventBus,
    opts: RemoteExtractOptions = {},
  ) {
    this.leaseMs = opts.leaseMs ?? LEASE_MS;
    this.timeoutMs = opts.timeoutMs ?? TIMEOUT_MS;
    this.unsubscribe = events.onClientGone((client) => {
      for (const o of [...this.offers.values()]) if (o.client === client) this.withdraw(o.extractor, 'its page was closed');
    });
  }

  /** The contract's extract.* methods. */
  handlers(): ExtractHandlers {
    return {
      'extract.offer': (args) => this.offer(args),
      'extract.withdraw': ({ extractor }) => {
        this.withdraw(extractor, 'its client withdrew it');
        return {};
      },
      'extract.reply': (args) => this.reply(args),
    };
  }

  offer({ extractor, renderer, client }: ArgsOf<'extract.offer'>): ResultOf<'extract.offer'> {
    const known = this.offers.get(extractor);
    if (known) Object.assign(known, { renderer, client: client ?? null, renewedAt: performance.now() });
    else this.offers.set(extractor, { extractor, renderer, client: client ?? null, renewedAt: performance.now() });
    return { leaseMs: this.leaseMs };
  }

  /** Drops an offer; its batches in flight fail (and are extracted on the CPU by their backend). */
  withdraw(extractor: string, why: string): void {
    if (!this.offers.delete(extractor)) return;
    for (const p of [...this.pending.values()]) if (p.extractor === extractor) p.fail(why);
  }

  reply({ extractor, id, results, error }: ArgsOf<'extract.reply'>): ResultOf<'extract.reply'> {
    const p = this.pending.get(id);
    if (!p || p.extractor !== extractor) {
      throw new BadRequest(`no request ${id} to extractor ${extractor} is waiting for a reply (it may have timed out)`);
    }
    if (error !== undefined) {
      p.fail(`it failed: ${error}`);
      return {};
    }
    if (!results || results.length !== p.pages) {
      const why = `it replied with ${results ? results.length : 'no'} results for ${p.pages} pages`;
      p.fail(why);
      throw new BadRequest(why);
    }
    p.resolve(results);
    return {};
  }

  /** The renderer string of the extractor in use (the newest live offer), or null when there is none. */
  renderer(): string | null {
    return this.current()?.renderer ?? null;
  }

  /**
   * A TextBackend for one ingest run over whichever extractor is newest when a batch goes out; a GpuBackendError
   * ('no-gpu-extractor') when none is offered now. A batch that the client does not answer is extracted on the CPU;
   * `notice` hears of it once per run of such batches.
   */
  backend(notice: (message: string) => void): TextBackend {
    if (!this.current()) throw new GpuBackendError('no-gpu-extractor', NO_EXTRACTOR_MESSAGE);
    let onCpu = false;
    const fallBack = (why: string) => {
      if (!onCpu) notice(`${why}; pages are extracted on the CPU until a GPU extractor answers again`);
      onCpu = true;
    };
    return {
      name: 'gpu',
      extractBatch: async (pages, signal) => {
        const offer = this.current();
        if (!offer) fallBack('the GPU text extractor is gone');
        else {
          try {
            const results = await this.request(offer, pages, signal);
            onCpu = false;
            return results;
          } catch (e) {
            if (signal?.aborted) throw e;
            fallBack(`the GPU text extractor (${offer.renderer}) did not deliver: ${(e as Error).message}`);
          }
        }
        return pages.map(extractText);
      },
      close: async () => {},
    };
  }

  /** Fails whatever is waiting; the engine is stopping. */
  close(): void {
    this.unsubscribe();
    for (const extractor of [...this.offers.keys()]) this.withdraw(extractor, 'the engine is stopping');
  }

  private current(): Offer | undefined {
    let newest: Offer | undefined;
    const now = performance.now();
    for (const o of [...this.offers.values()]) {
      if (now - o.renewedAt > this.leaseMs) this.withdraw(o.extractor, 'its offer lapsed');
      else newest = o;
    }
    return newest;
  }

  private request(offer: Offer, pages: string[], signal?: AbortSignal): Promise<ExtractedText[]> {
    const send = () =>
      new Promise<ExtractedText[]>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        if (!this.offers.has(offer.extractor)) return reject(new Error('it was withdrawn'));
        const id = this.nextId++;
        const chars = pages.reduce((n, p) => n + p.length, 0);
        const ms = this.timeoutMs + chars / CHARS_PER_MS;
        const done = () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          this.pending.delete(id);
        };
        const onAbort = () => {
          done();
          reject(signal!.reason);
        };
        // An extractor that does not answer in time is taken for gone: later batches do not wait for it too.
        const timer = setTimeout(() => {
          const why = `no reply within ${(ms / 1000).toFixed(1)} s`;
          this.withdraw(offer.extractor, why);
          this.pending.get(id)?.fail(why);
        }, ms);
        signal?.addEventListener('abort', onAbort, { once: true });
        this.pending.set(id, {
          extractor: offer.extractor,
          pages: pages.length,
          resolve: (results) => {
            done();
            resolve(results);
          },
          fail: (why) => {
            done();
            reject(new Error(why));
          },
        });
        // The ingest's span for this batch, so the renderer's GPU spans and its reply join the ingest's trace.
        const traceparent = currentTraceparent();
        this.events.emit('extract.request', { extractor: offer.extractor, id, pages, ...(traceparent ? { traceparent } : {}) });
      });
    const result = this.line.then(send, send);
    this.line = result.catch(() => {});
    return result;
  }
}
