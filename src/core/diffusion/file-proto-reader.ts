import { readSync } from 'node:fs';

/** A protobuf file that breaks the wire format (a truncated or damaged file, or not protobuf at all). */
export class Malformed extends Error {}

/** A forward-only protobuf reader over a file, buffered in windows, that can skip a field without reading it. */
export class FileProtoReader {
  private readonly window = Buffer.alloc(1 << 16);
  private windowStart = 0;
  private windowEnd = 0;
  pos = 0;

  constructor(
    private readonly fd: number,
    readonly size: number,
  ) {}

  private byte(): number {
    if (this.pos >= this.size) throw new Malformed('unexpected end of file');
    if (this.pos < this.windowStart || this.pos >= this.windowEnd) {
      this.windowStart = this.pos;
      this.windowEnd = this.pos + readSync(this.fd, this.window, 0, this.window.length, this.pos);
    }
    return this.window[this.pos++ - this.windowStart]!;
  }

  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      result += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return result;
      scale *= 128;
    }
    throw new Malformed('varint too long');
  }

  /** Reads a length prefix and returns where that field ends, checked against the enclosing message's end. */
  lengthEnd(limit: number): number {
    const length = this.varint();
    const end = this.pos + length;
    if (end > limit) throw new Malformed('a field runs past its message');
    return end;
  }

  /** The number of values in a packed varint field (bytes whose continuation bit is clear), read without decoding. */
  packedVarintCount(limit: number): number {
    const end = this.lengthEnd(limit);
    let count = 0;
    while (this.pos < end) if ((this.byte() & 0x80) === 0) count++;
    return count;
  }

  string(limit: number): string {
    const end = this.lengthEnd(limit);
    const bytes = Buffer.alloc(end - this.pos);
    for (let i = 0; i < bytes.length; i++) bytes[i] = this.byte();
    return bytes.toString('utf8');
  }

  /** Iterates the fields of a message ending at `limit`, calling `on` with each field number and wire type. */
  fields(limit: number, on: (field: number, wire: number) => boolean): void {
    while (this.pos < limit) {
      const key = this.varint();
      const field = Math.floor(key / 8);
      const wire = key % 8;
      if (field === 0) throw new Malformed(`field number 0 at byte ${this.pos - 1}`);
      if (!on(field, wire)) this.skip(wire, limit);
    }
    if (this.pos !== limit) throw new Malformed('a message overruns its length');
  }

  skip(wire: number, limit: number): void {
    switch (wire) {
      case 0:
        this.varint();
        return;
      case 1:
        this.pos += 8;
        break;
      case 2:
        this.pos = this.lengthEnd(limit);
        return;
      case 5:
        this.pos += 4;
        break;
      default:
        throw new Malformed(`wire type ${wire}`);
    }
    if (this.pos > limit) throw new Malformed('a field runs past its message');
  }
}
