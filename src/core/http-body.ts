// A request body read whole, with a bound: the engine's API and the replay origin's report endpoints both take small
// bodies from clients they do not trust.
import type { IncomingMessage } from 'node:http';

/** The body passed the bound: the caller answers 413 (the rest of the body is never read). */
export class BodyTooLarge extends Error {
  constructor(readonly max: number) {
    super(`request body larger than ${max} bytes`);
  }
}

export async function readBody(req: IncomingMessage, max: number): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) throw new BodyTooLarge(max);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
