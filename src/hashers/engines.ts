/**
 * The engines behind argon2, scrypt and bcrypt: hash-wasm (WebAssembly, 3–5× faster than pure
 * JavaScript here, `bench/hashers.bench.ts`) where the runtime may compile WebAssembly, and
 * @noble/hashes (argon2, scrypt) and bcryptjs (bcrypt) where it may not, or where only they speak
 * the input (argon2 version 0x10, the empty password, bcrypt past 72 bytes). All are optional peer
 * dependencies of `./hashers`, loaded on first use.
 *
 * Cloudflare Workers are such a runtime: workerd refuses `WebAssembly.compile` of bytes ("Wasm code
 * generation disallowed by embedder"; modules must be uploaded with the Worker), which is how
 * hash-wasm starts, so Workers users get @noble/hashes and bcryptjs, for every hash
 * (`tests/interop/auth/hashers_workerd.test.ts`; their CPU cost in `bench/hashers_workerd.bench.ts`).
 *
 * @module
 */

/** Argon2's variants, as the PHC string names them. */
export type Argon2Variant = "argon2id" | "argon2i" | "argon2d";

/** Argon2's cost parameters. */
export interface Argon2Params {
  variant: Argon2Variant;
  version: number;
  timeCost: number;
  memoryCost: number;
  parallelism: number;
  hashLength: number;
}

type HashWasm = typeof import("hash-wasm");

/** The smallest WebAssembly module: the magic number and version 1. */
const EMPTY_MODULE = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);

/** Whether this runtime compiles WebAssembly from bytes (Workers: "Wasm code generation
 * disallowed by embedder"). Synchronous, and without hash-wasm: hash-wasm keeps its compile
 * promise, and a Worker waits forever on a promise that another request created. */
function compilesWasm(): boolean {
  try {
    new WebAssembly.Module(EMPTY_MODULE);
    return true;
  } catch {
    return false;
  }
}

/** The answer, once known; not a promise, for the same reason. */
let wasm: HashWasm | null | undefined;

/** hash-wasm, or null where WebAssembly cannot be compiled (then @noble/hashes or bcryptjs serve). */
async function hashWasm(): Promise<HashWasm | null> {
  if (wasm === undefined) {
    const lib = compilesWasm() ? await import("hash-wasm").catch(() => null) : null;
    wasm ??= lib;
  }
  return wasm;
}

/**
 * Argon2 raw bytes.
 *
 * @param password the password bytes
 * @param salt the salt bytes
 * @param p the parameters
 * @returns `p.hashLength` bytes
 */
export async function argon2Raw(
  password: Uint8Array,
  salt: Uint8Array,
  p: Argon2Params,
): Promise<Uint8Array> {
  // hash-wasm refuses an empty password, which Django allows.
  const lib = p.version === 0x13 && password.length > 0 ? await hashWasm() : null;
  if (lib) {
    return await lib[p.variant]({
      password,
      salt,
      iterations: p.timeCost,
      memorySize: p.memoryCost,
      parallelism: p.parallelism,
      hashLength: p.hashLength,
      outputType: "binary",
    });
  }
  const noble = await import("@noble/hashes/argon2.js");
  const run = {
    argon2id: noble.argon2idAsync,
    argon2i: noble.argon2iAsync,
    argon2d: noble.argon2dAsync,
  };
  return await run[p.variant](password, salt, {
    t: p.timeCost,
    m: p.memoryCost,
    p: p.parallelism,
    dkLen: p.hashLength,
    version: p.version,
  });
}

/**
 * scrypt raw bytes (Python's `hashlib.scrypt`).
 *
 * @param password the password bytes
 * @param salt the salt bytes
 * @param n the work factor
 * @param r the block size
 * @param p the parallelism
 * @param length the output length
 * @returns `length` bytes
 */
export async function scryptRaw(
  password: Uint8Array,
  salt: Uint8Array,
  n: number,
  r: number,
  p: number,
  length: number,
): Promise<Uint8Array> {
  const lib = password.length > 0 ? await hashWasm() : null;
  if (lib) {
    return await lib.scrypt({
      password,
      salt,
      costFactor: n,
      blockSize: r,
      parallelism: p,
      hashLength: length,
      outputType: "binary",
    });
  }
  const { scryptAsync } = await import("@noble/hashes/scrypt.js");
  return await scryptAsync(password, salt, { N: n, r, p, dkLen: length, maxmem: 2 ** 31 });
}

const BCRYPT_ALPHABET = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** bcrypt's own base64 of the 22 salt characters: 16 bytes. */
function bcryptSaltBytes(text: string): Uint8Array {
  const bytes = new Uint8Array(16);
  let bits = 0;
  let count = 0;
  let at = 0;
  for (const c of text) {
    bits = (bits << 6) | BCRYPT_ALPHABET.indexOf(c);
    count += 6;
    if (count >= 8 && at < 16) {
      count -= 8;
      bytes[at++] = (bits >> count) & 0xff;
    }
  }
  return bytes;
}

/**
 * Python's `bcrypt.hashpw(password, salt)`: the salt's first 29 characters (`$2b$12$` + 22) and
 * the hash, as one string. hash-wasm (as fast as Python's C here) where it can run and the password
 * is 1–72 bytes; bcryptjs otherwise (Workers; the empty password; truncation past 72 bytes).
 *
 * @param password the password
 * @param salt the salt string, `$2b$<rounds>$<22 characters>`
 * @returns the bcrypt string
 */
export async function bcryptRaw(password: string, salt: string): Promise<string> {
  const bytes = new TextEncoder().encode(password);
  const lib = bytes.length > 0 && bytes.length <= 72 ? await hashWasm() : null;
  if (lib) {
    const encoded = await lib.bcrypt({
      password: bytes,
      salt: bcryptSaltBytes(salt.slice(7, 29)),
      costFactor: Number(salt.slice(4, 6)),
      outputType: "encoded",
    });
    return salt.slice(0, 4) + encoded.slice(4);
  }
  const bcrypt = (await import("bcryptjs")).default;
  return await bcrypt.hash(password, salt.slice(0, 29));
}
