// Checking an audit entry against the audit log's tree head in the browser: the inclusion-proof
// verification of RFC 9162 §2.1.3.2 over the kernel's SM3 Merkle tree (RFC 6962 shape: an interior
// node is SM3(0x01 || left || right); the leaf hash, SM3(0x00 || entry), is given by the kernel).
// Independent of the kernel's own code, so a browser need not trust the server's arithmetic: only
// the tree head it compares with. Hashes are 64 lowercase hex digits.
import { hexToBytes } from './der';

const HEX64 = /^[0-9a-f]{64}$/;

async function sm3() {
  return (await import('sm-crypto')).default.sm3;
}

/**
 * True when `path` proves that `leafHash` is leaf number `index` (0-based, the audit entry's seq) of
 * the tree of `size` leaves whose root is `root`.
 */
export async function verifyInclusion(index: number, size: number, leafHash: string, path: string[], root: string): Promise<boolean> {
  const hashes = [leafHash, root, ...path].map((h) => h.toLowerCase());
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  if (!hashes.every((h) => HEX64.test(h))) return false;
  const hash = await sm3();
  const node = (left: string, right: string) => hash([0x01, ...hexToBytes(left), ...hexToBytes(right)]);

  // Integer halving without 32-bit bitwise operators, so indices up to 2^53 work.
  const half = (n: number) => Math.floor(n / 2);
  const odd = (n: number) => n % 2 === 1;

  let fn = index;
  let sn = size - 1;
  let r = hashes[0];
  for (const p of hashes.slice(2)) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      r = node(p, r);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = node(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && r === hashes[1];
}
