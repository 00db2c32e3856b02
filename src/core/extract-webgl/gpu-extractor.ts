/**
 * Text extraction with the per-code-unit FSM states computed on the GPU (gpu.js, WebGL2).
 *
 * The data-parallel part runs on the GPU: classifying code units from their window, composing transition
 * functions with a blocked parallel scan (16 code units a block, 16 blocks a superblock, Hillis-Steele over the
 * superblocks), page starts resetting to the start state, and each block walking its own code units. The states
 * are read back and handed to the shared finish() on the CPU: entity decoding, the whitespace policy and the rare
 * cases (title/textarea RCDATA, meta description, block/space tags) stay there, on what the GPU classified, so both
 * paths build their output with one piece of code.
 *
 * Browser code: DOM and WebGL types only.
 */
import type { GPU, IKernelRunShortcut, Texture } from 'gpu.js';
import { START_STATE, WINDOW_AHEAD, WINDOW_BEHIND } from '../extract/fsm.js';
import { finish, type ExtractedText } from '../extract/finish.js';
import type { GpuTimings } from './page-api.js';
import {
  IDENTITY_FN, TEXELS_AHEAD, TEXELS_BEHIND, applyGlsl, blockFnGlsl, classifyGlsl, composeGlsl, uploadCode, walkGlsl,
} from './glsl.js';

export type { ExtractedText, GpuTimings };

/** Float32 holds every integer below 2^24 exactly; positions inside a batch must stay below it. */
export const MAX_BATCH_CHARS = 1 << 24;
const BLOCK = 16; // code units per block (4 RGBA texels of classes; 16 4-bit states per vec4 of output)
const SUPER = 16; // blocks per superblock
const IMAGE_WIDTH = 2048;

export interface GpuExtractorOptions {
  /** Code units per dispatch (page text plus one separator a page); a multiple of 256, at most 2^24. Fixed per
   *  extractor so the shaders compile once. */
  batchChars?: number;
}

interface Segment {
  page: number;
  /** Where the emitted run starts in the page and in the batch, and its length. */
  pageOffset: number;
  batchOffset: number;
  length: number;
}

type Kernel = IKernelRunShortcut;
// dynamicOutput/dynamicArguments: a batch that is not full runs the kernels over its used part only, without
// recompiling (sizes become uniforms); the shaders are still compiled once per extractor.
const KERNEL_SETTINGS = {
  pipeline: true, immutable: true, precision: 'single', tactic: 'precision', dynamicOutput: true, dynamicArguments: true,
} as const;

function now(): number {
  return performance.now();
}

export class GpuExtractor {
  readonly batchChars: number;
  private readonly texelCount: number;
  private readonly imageHeight: number;
  private readonly imageWidth: number;
  private readonly bytes: Uint8ClampedArray<ArrayBuffer>;
  private readonly image: ImageData;
  private readonly classify: Kernel;
  private readonly blockFns: Kernel;
  private readonly superFns: Kernel;
  private readonly scanPing: Kernel;
  private readonly scanPong: Kernel;
  private readonly startStates: Kernel;
  private readonly walk: Kernel;
  readonly gl: WebGL2RenderingContext;
  private usedChars: number;
  lastTimings: GpuTimings = emptyTimings();

  constructor(gpu: GPU, options: GpuExtractorOptions = {}) {
    const chars = options.batchChars ?? MAX_BATCH_CHARS;
    if (!Number.isInteger(chars) || chars % (BLOCK * SUPER) !== 0 || chars < BLOCK * SUPER || chars > MAX_BATCH_CHARS)
      throw new RangeError(`batchChars must be a multiple of ${BLOCK * SUPER} in [${BLOCK * SUPER}, 2^24], got ${chars}`);
    this.batchChars = chars;
    this.texelCount = chars / 4;
    this.imageWidth = Math.min(IMAGE_WIDTH, this.texelCount);
    this.imageHeight = Math.ceil(this.texelCount / this.imageWidth);
    this.bytes = new Uint8ClampedArray(this.imageWidth * this.imageHeight * 4);
    this.image = new ImageData(this.bytes, this.imageWidth, this.imageHeight);
    const blocks = chars / BLOCK;
    const supers = blocks / SUPER;
    const W = this.imageWidth;

    const texel = (d: number) => {
      const q = d === 0 ? 'this.thread.x' : `(this.thread.x ${d < 0 ? '-' : '+'} ${Math.abs(d)})`;
      // gpu.js uploads images with UNPACK_FLIP_Y: texel row y holds image row H - 1 - y.
      return `img[${this.imageHeight - 1} - Math.floor(${q} / ${W})][${q} % ${W}]`;
    };
    const texels: string[] = [];
    for (let d = -TEXELS_BEHIND; d <= TEXELS_AHEAD; d++) texels.push(texel(d));
    this.classify = gpu.createKernel(
      `function (img, texelCount, base, carry) {
        return classify4(${texels.join(', ')}, this.thread.x, texelCount, base, carry);
      }`,
      {
        ...KERNEL_SETTINGS,
        output: [this.texelCount],
        argumentTypes: { img: 'HTMLImage', texelCount: 'Float', base: 'Float', carry: 'Float' },
        returnType: 'Array(4)',
        nativeFunctions: [{ name: 'classify4', source: classifyGlsl() }],
      } as never,
    );
    const four = (arr: string, i: string) => [0, 1, 2, 3].map((k) => `${arr}[${i} * 4 + ${k}]`).join(', ');
    this.blockFns = gpu.createKernel(
      `function (cls) { return blockFn(${four('cls', 'this.thread.x')}); }`,
      {
        ...KERNEL_SETTINGS,
        output: [blocks],
        argumentTypes: { cls: 'ArrayTexture(4)' },
        returnType: 'Array(4)',
        nativeFunctions: [{ name: 'blockFn', source: blockFnGlsl() }],
      } as never,
    );
    this.superFns = gpu.createKernel(
      `function (fns) {
        let f = [${IDENTITY_FN.join(', ')}];
        for (let k = 0; k < ${SUPER}; k++) {
          f = composeFn(f, fns[this.thread.x * ${SUPER} + k]);
        }
        return f;
      }`,
      {
        ...KERNEL_SETTINGS,
        output: [supers],
        argumentTypes: { fns: 'ArrayTexture(4)' },
        returnType: 'Array(4)',
        nativeFunctions: [{ name: 'composeFn', source: composeGlsl() }],
      } as never,
    );
    const scanSource = `function (fns, d) {
      if (this.thread.x >= d) {
        return composeFn(fns[this.thread.x - d], fns[this.thread.x]);
      }
      return fns[this.thread.x];
    }`;
    const scanSettings = {
      ...KERNEL_SETTINGS,
      output: [supers],
      argumentTypes: { fns: 'ArrayTexture(4)', d: 'Integer' },
      returnType: 'Array(4)',
      nativeFunctions: [{ name: 'composeFn', source: composeGlsl() }],
    } as never;
    this.scanPing = gpu.createKernel(scanSource, scanSettings);
    this.scanPong = gpu.createKernel(scanSource, scanSettings);
    this.startStates = gpu.createKernel(
      `function (fns, scan) {
        let s = ${START_STATE};
        if (this.thread.x >= ${SUPER}) {
          s = applyFn(scan[Math.floor(this.thread.x / ${SUPER}) - 1], ${START_STATE});
        }
        for (let q = 0; q < ${SUPER}; q++) {
          if (q < this.thread.x % ${SUPER}) {
            s = applyFn(fns[Math.floor(this.thread.x / ${SUPER}) * ${SUPER} + q], s);
          }
        }
        return s;
      }`,
      {
        ...KERNEL_SETTINGS,
        output: [blocks],
        argumentTypes: { fns: 'ArrayTexture(4)', scan: 'ArrayTexture(4)' },
        returnType: 'Float',
        nativeFunctions: [{ name: 'applyFn', source: applyGlsl() }],
      } as never,
    );
    this.walk = gpu.createKernel(
      `function (cls, starts) { return walkBlock(${four('cls', 'this.thread.x')}, starts[this.thread.x]); }`,
      {
        ...KERNEL_SETTINGS,
        output: [blocks],
        argumentTypes: { cls: 'ArrayTexture(4)', starts: 'ArrayTexture(1)' },
        returnType: 'Array(4)',
        nativeFunctions: [{ name: 'walkBlock', source: walkGlsl() }],
      } as never,
    );
    this.usedChars = chars;
    this.gl = (this.classify as unknown as { context: WebGL2RenderingContext }).context;
  }

  async extractBatch(pages: string[]): Promise<ExtractedText[]> {
    return (await this.extractBatchTimed(pages)).results;
  }

  /** The states (after each code unit) of every page, computed on the GPU. Exposed for the conformance tests. */
  statesOf(pages: string[]): Uint8Array[] {
    const timings = emptyTimings();
    const t0 = now();
    const states = this.computeStates(pages, timings);
    timings.totalMs = now() - t0;
    this.lastTimings = timings;
    return states;
  }

  /** startMs: when the batch started, in epoch milliseconds (what its stage spans start from: stage-spans.ts). */
  async extractBatchTimed(pages: string[]): Promise<{ results: ExtractedText[]; timings: GpuTimings; startMs: number }> {
    const timings = emptyTimings();
    const t0 = now();
    const states = this.computeStates(pages, timings);
    const t1 = now();
    const results = pages.map((page, i) => finish(page, states[i]));
    timings.finishMs = now() - t1;
    timings.totalMs = now() - t0;
    this.lastTimings = timings;
    return { results, timings, startMs: performance.timeOrigin + t0 };
  }

  private computeStates(pages: string[], timings: GpuTimings): Uint8Array[] {
    const states = pages.map((p) => new Uint8Array(p.length));
    let page = 0;
    let offset = 0;
    let carry = START_STATE;
    for (;;) {
      while (page < pages.length && offset >= pages[page].length) {
        page++;
        offset = 0;
      }
      if (page >= pages.length) break;
      const tPack = now();
      const { segments, base, next, used } = this.pack(pages, page, offset);
      this.resizeTo(used);
      const cls = this.classify(this.image, this.texelCount, base, carry) as Texture;
      const tKernels = now();
      const raw = this.runScan(cls);
      const tKernelsDone = now();
      const packed = raw.renderRawOutput();
      raw.delete();
      for (const s of segments) unpackStates(packed, s.batchOffset, states[s.page], s.pageOffset, s.length);
      const last = segments[segments.length - 1];
      if (next.page === last.page && next.offset > 0) carry = states[last.page][last.pageOffset + last.length - 1];
      else carry = START_STATE;
      page = next.page;
      offset = next.offset;
      const tDone = now();
      timings.batches++;
      timings.chars += segments.reduce((n, s) => n + s.length, 0);
      timings.uploadMs += tKernels - tPack;
      timings.kernelMs += tKernelsDone - tKernels;
      timings.readbackMs += tDone - tKernelsDone;
    }
    return states;
  }

  /** Sets every kernel's output to cover the first `used` positions of the batch. */
  private resizeTo(used: number): void {
    if (used === this.usedChars) return;
    this.usedChars = used;
    this.classify.setOutput([used / 4]);
    this.blockFns.setOutput([used / BLOCK]);
    for (const k of [this.superFns, this.scanPing, this.scanPong]) k.setOutput([used / BLOCK / SUPER]);
    this.startStates.setOutput([used / BLOCK]);
    this.walk.setOutput([used / BLOCK]);
  }

  /** Runs the scan on the classes and returns the packed states, waiting for the GPU to finish. */
  private runScan(cls: Texture): Texture & { renderRawOutput(): Float32Array } {
    const fns = this.blockFns(cls) as Texture;
    let scan = this.superFns(fns) as Texture;
    const supers = this.usedChars / BLOCK / SUPER;
    for (let d = 1, ping = true; d < supers; d *= 2, ping = !ping) {
      const next = (ping ? this.scanPing : this.scanPong)(scan, d) as Texture;
      scan.delete();
      scan = next;
    }
    const starts = this.startStates(fns, scan) as Texture;
    fns.delete();
    scan.delete();
    const out = this.walk(cls, starts) as Texture & { renderRawOutput(): Float32Array };
    cls.delete();
    starts.delete();
    this.waitFor(out);
    return out;
  }

  /** gl.finish() returns at once in Chromium; a 1-texel readback from the output does wait for it. */
  private waitFor(tex: Texture): void {
    const gl = this.gl;
    const t = tex as unknown as { framebuffer(): WebGLFramebuffer; texture: WebGLTexture };
    gl.bindFramebuffer(gl.FRAMEBUFFER, t.framebuffer());
    gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, t.texture, 0);
    gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.FLOAT, new Float32Array(4));
  }

  /**
   * Lays out the next batch from (page, offset): pages one after another with a 0 separator after each; a page
   * that does not fit is cut, with WINDOW_AHEAD code units after the cut as look-ahead, and continued in the next
   * batch behind a left halo of WINDOW_BEHIND code units whose class carries the state across (see classify4).
   */
  private pack(pages: string[], page: number, offset: number): {
    segments: Segment[];
    base: number;
    next: { page: number; offset: number };
    /** Positions the kernels must cover: everything written, rounded up to a superblock. */
    used: number;
  } {
    const bytes = this.bytes;
    const capacity = this.batchChars;
    bytes.fill(0);
    const segments: Segment[] = [];
    let pos = 0;
    let base = 0;
    if (offset > 0) {
      base = WINDOW_BEHIND;
      const from = Math.max(0, offset - WINDOW_BEHIND);
      writeCodes(bytes, pages[page], from, offset, base - (offset - from));
      pos = base;
    }
    while (page < pages.length) {
      const text = pages[page];
      const remaining = text.length - offset;
      const room = capacity - pos;
      if (remaining === 0) {
        page++;
        offset = 0;
        continue;
      }
      if (remaining + 1 <= room) {
        writeCodes(bytes, text, offset, text.length, pos);
        segments.push({ page, pageOffset: offset, batchOffset: pos, length: remaining });
        pos += remaining + 1;
        page++;
        offset = 0;
        continue;
      }
      const emit = room - WINDOW_AHEAD;
      if (emit <= 0 || (emit < 4096 && segments.length > 0)) break; // start the page afresh in the next batch
      writeCodes(bytes, text, offset, offset + room, pos);
      segments.push({ page, pageOffset: offset, batchOffset: pos, length: emit });
      offset += emit;
      pos = capacity;
      break;
    }
    const used = Math.min(capacity, Math.ceil(Math.max(pos, 1) / (BLOCK * SUPER)) * BLOCK * SUPER);
    return { segments, base, next: { page, offset }, used };
  }

  destroy(): void {
    for (const k of [this.classify, this.blockFns, this.superFns, this.scanPing, this.scanPong, this.startStates, this.walk])
      k.destroy(true);
  }
}

function writeCodes(bytes: Uint8ClampedArray, text: string, from: number, to: number, at: number): void {
  for (let i = from; i < to; i++) bytes[at + i - from] = uploadCode(text.charCodeAt(i));
}

/** The walk kernel's output: per block of 16 code units, 4 floats of 4 nibbles each (state of code unit 4j + k is
 *  nibble k of float j). */
function unpackStates(packed: Float32Array, batchOffset: number, out: Uint8Array, outOffset: number, length: number): void {
  for (let i = 0; i < length; i++) {
    const p = batchOffset + i;
    out[outOffset + i] = (packed[p >> 2] >> ((p & 3) * 4)) & 15;
  }
}

function emptyTimings(): GpuTimings {
  return { batches: 0, chars: 0, uploadMs: 0, kernelMs: 0, readbackMs: 0, finishMs: 0, totalMs: 0 };
}
