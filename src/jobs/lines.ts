/**
 * Reads a file line by line in chunks, so memory stays bounded whatever the file holds: a line
 * longer than `maxLineBytes` is not kept (its bytes are dropped as they arrive) and comes out
 * as `undefined`, for the caller to count. readline would buffer such a line whole.
 */
import { createReadStream } from 'node:fs';

/** One line of a file: its text, or `undefined` when it was longer than the bound. */
export interface FileLine {
  /** 1-based line number. */
  number: number;
  text: string | undefined;
}

const NEWLINE = 0x0a;

/** The lines of `file`, without their `\n` (and `\r` before it); a last line without `\n` counts. */
export async function* readLines(file: string, maxLineBytes: number): AsyncGenerator<FileLine> {
  let parts: Buffer[] = [];
  let partBytes = 0;
  let tooLong = false;
  let number = 0;
  const take = (): FileLine => {
    number++;
    let text: string | undefined;
    if (!tooLong) {
      text = Buffer.concat(parts, partBytes).toString('utf8');
      if (text.endsWith('\r')) text = text.slice(0, -1);
    }
    parts = [];
    partBytes = 0;
    tooLong = false;
    return { number, text };
  };
  const keep = (piece: Buffer): void => {
    if (tooLong) return;
    if (partBytes + piece.length > maxLineBytes) {
      tooLong = true;
      parts = [];
      partBytes = 0;
      return;
    }
    parts.push(piece);
    partBytes += piece.length;
  };
  for await (const chunk of createReadStream(file, { highWaterMark: 64 * 1024 }) as AsyncIterable<Buffer>) {
    let start = 0;
    for (let nl = chunk.indexOf(NEWLINE, start); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
      keep(chunk.subarray(start, nl));
      yield take();
      start = nl + 1;
    }
    // Copy the tail: the stream may reuse the chunk's memory.
    if (start < chunk.length) keep(Buffer.from(chunk.subarray(start)));
  }
  if (partBytes > 0 || tooLong) yield take();
}
