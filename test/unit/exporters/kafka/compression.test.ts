import { afterEach, describe, expect, it } from 'vitest';
import zlib from 'node:zlib';
import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import { kafkaCompressionType, registerZstdCodec } from '../../../../src/exporters/kafka/compression';
import { resolveKafkaOptions } from '../../../../src/exporters/kafka/options';
import { ConfigError } from '../../../../src/errors';
import { thrownBy } from '../../helpers';

type Slot = () => { compress(e: { buffer: Buffer }): Promise<Buffer>; decompress(b: Buffer): Promise<Buffer> };
const codecs = CompressionCodecs as unknown as Record<number, Slot>;
const kafkajsPlaceholder = codecs[CompressionTypes.ZSTD];

describe('Kafka compression', () => {
  afterEach(() => {
    codecs[CompressionTypes.ZSTD] = kafkajsPlaceholder!;
  });

  it('maps each setting to its kafkajs type', () => {
    expect([kafkaCompressionType('zstd'), kafkaCompressionType('gzip'), kafkaCompressionType('none')]).toEqual([CompressionTypes.ZSTD, CompressionTypes.GZIP, CompressionTypes.None]);
  });

  it('fills kafkajs\'s empty zstd slot with node:zlib zstd, whose batches decode with zstd', async () => {
    codecs[CompressionTypes.ZSTD] = kafkajsPlaceholder!;
    expect(() => codecs[CompressionTypes.ZSTD]!()).toThrow('ZSTD compression not implemented');
    registerZstdCodec();
    const codec = codecs[CompressionTypes.ZSTD]!();
    const payload = Buffer.from('agentmeter '.repeat(5000));
    const compressed = await codec.compress({ buffer: payload });
    expect(compressed.length).toBeLessThan(payload.length / 50);
    expect(zlib.zstdDecompressSync(compressed).equals(payload)).toBe(true);
    expect((await codec.decompress(zlib.zstdCompressSync(payload))).equals(payload)).toBe(true);
    // Registered once: a second call keeps the same codec.
    registerZstdCodec();
    expect(codecs[CompressionTypes.ZSTD]!()).toBe(codec);
  });

  it('keeps a zstd codec the application registered', () => {
    const own = { compress: async () => Buffer.alloc(0), decompress: async () => Buffer.alloc(0) };
    codecs[CompressionTypes.ZSTD] = () => own;
    registerZstdCodec();
    expect(codecs[CompressionTypes.ZSTD]!()).toBe(own);
  });

  it('defaults to zstd, and to gzip on a Node whose zlib has no zstd, where an explicit zstd is a ConfigError', () => {
    expect(resolveKafkaOptions({}, {}).compression).toBe('zstd');
    const z = zlib as { zstdCompress?: unknown };
    const saved = z.zstdCompress;
    z.zstdCompress = undefined;
    try {
      expect(resolveKafkaOptions({}, {}).compression).toBe('gzip');
      const error = thrownBy(() => resolveKafkaOptions({}, { AGENTMETER_KAFKA_COMPRESSION: 'zstd' }));
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toBe(
        `AGM_ERR_CONFIG: AGENTMETER_KAFKA_COMPRESSION="zstd" is not valid; allowed: gzip or none (Node ${process.versions.node} has no zstd in node:zlib; Node >= 22.15 does)`,
      );
      expect(() => registerZstdCodec()).toThrow(`node:zlib of Node ${process.versions.node} has no zstd (Node >= 22.15 has it)`);
    } finally {
      z.zstdCompress = saved;
    }
  });
});
