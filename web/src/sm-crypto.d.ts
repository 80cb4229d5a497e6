// The parts of sm-crypto (CommonJS, no bundled types) that the console uses: SM2 signing and SM3.
declare module 'sm-crypto' {
  interface Sm2SignOptions {
    /** Hash with SM3 and the signer's Z value (GB/T 32918): what certificate login needs. */
    hash?: boolean;
    /** DER SEQUENCE{r, s} instead of raw r||s hex. */
    der?: boolean;
    /** The distinguishing ID; "1234567812345678" unless told otherwise. */
    userId?: string;
    /** Uncompressed public key hex ("04…"); computed from the private key when absent. */
    publicKey?: string;
  }
  interface Sm2 {
    /** Signs `msg` (a string is taken as UTF-8) with the hex private key; returns hex. */
    doSignature(msg: string | ArrayLike<number>, privateKey: string, options?: Sm2SignOptions): string;
    doVerifySignature(msg: string | ArrayLike<number>, signHex: string, publicKey: string, options?: Sm2SignOptions): boolean;
    /** "04" + x + y in hex. */
    getPublicKeyFromPrivateKey(privateKey: string): string;
  }
  /** SM3 of a string (UTF-8) or of bytes; returns 64 hex digits. */
  type Sm3 = (input: string | ArrayLike<number>) => string;
  const smCrypto: { sm2: Sm2; sm3: Sm3 };
  export default smCrypto;
}
