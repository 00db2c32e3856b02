// A replay response's body as one Buffer, whether it was built whole or is sent as it is read.
import type { StreamedBody } from '../../../src/core/replay/types.js';

export async function bodyBytes(body: Uint8Array | StreamedBody): Promise<Buffer> {
  if (body instanceof Uint8Array) return Buffer.from(body);
  const pieces: Uint8Array[] = [];
  for await (const piece of body) pieces.push(piece);
  const whole = Buffer.concat(pieces);
  if (body.length !== null && whole.length !== body.length) throw new Error(`streamed body of ${whole.length} bytes, ${body.length} announced`);
  return whole;
}
