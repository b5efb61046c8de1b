/** SHA-256 hashes of 256 bytes per request: ~50 µs (minimal) or ~1 ms (realistic) of CPU on a 2-core VM. */
export const HASHES = { minimal: 20, realistic: 700 };
