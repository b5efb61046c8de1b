/**
 * Kafka record-batch compression for the exporter and the routing events.
 *
 * kafkajs compresses gzip itself and has no zstd codec of its own (it leaves a slot for one).
 * Node >= 22.15 ships zstd in node:zlib, so agentmeter fills that slot with it: on 10,000
 * histogram series zstd level 3 took a tenth of gzip's CPU time and wrote 2.5x fewer bytes
 * (docs/benchmarks.md). Record batches are compressed on the threadpool either way.
 */
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { CompressionTypes } from 'kafkajs';
import { kafkajs } from '../../optional-modules';

export type KafkaCompression = 'zstd' | 'gzip' | 'none';

/** zstd's own default level: a tenth of gzip's CPU time at a better ratio on OTLP. */
const ZSTD_LEVEL = 3;

/** True when this Node's zlib has zstd (Node >= 22.15). */
export function zstdAvailable(): boolean {
  return typeof zlib.zstdCompress === 'function' && typeof zlib.zstdDecompress === 'function';
}

interface Codec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

/**
 * Puts node:zlib's zstd in kafkajs's codec slot unless something usable is there already (an
 * application that registered its own zstd codec keeps it). kafkajs's empty slot throws when
 * asked for a codec. A kafkajs consumer of the metrics topic needs the same (this function
 * gives it to the kafkajs copy it is called from).
 */
export function registerZstdCodec(): void {
  const { CompressionCodecs, CompressionTypes } = kafkajs();
  let existing: unknown;
  try {
    existing = CompressionCodecs[CompressionTypes.ZSTD]?.();
  } catch {
    existing = undefined; // kafkajs's placeholder throws "ZSTD compression not implemented"
  }
  if (existing !== undefined) return; // ours from an earlier call, or the application's own
  if (!zstdAvailable()) throw new Error(`node:zlib of Node ${process.versions.node} has no zstd (Node >= 22.15 has it)`);
  const compress = promisify(zlib.zstdCompress);
  const decompress = promisify(zlib.zstdDecompress);
  const params = { [zlib.constants.ZSTD_c_compressionLevel]: ZSTD_LEVEL };
  const codec: Codec = {
    compress: (encoder) => compress(encoder.buffer, { params }),
    decompress: (buffer) => decompress(buffer),
  };
  CompressionCodecs[CompressionTypes.ZSTD] = () => codec;
}

/** The kafkajs compression type to send with (createKafkaClient has put the zstd codec in place). */
export function kafkaCompressionType(compression: KafkaCompression): CompressionTypes {
  const { CompressionTypes } = kafkajs();
  if (compression === 'zstd') return CompressionTypes.ZSTD;
  return compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None;
}
