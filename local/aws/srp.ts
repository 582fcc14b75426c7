import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The server side of Cognito's SRP-6a variant (USER_SRP_AUTH → PASSWORD_VERIFIER), as Cognito's own
 * client (amazon-cognito-identity-js' AuthenticationHelper) computes the other side: the 3072-bit
 * RFC 5054 group, g = 2, k = H(N | g), x = H(salt | H(poolName | userId ":" password)), the key
 * derived with HKDF ("Caldera Derived Key"), and an HMAC over pool name, user id, secret block and
 * timestamp as the password claim. The password never travels; the verifier is stored instead.
 */
const N = BigInt(
  `0x${[
    'FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD',
    'EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED',
    'EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F',
    '83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B',
    'E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510',
    '15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7',
    'ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C',
    'BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF',
  ].join('')}`,
);
const g = 2n;

/** Hex of a positive integer as Cognito pads it: even length, a 00 byte when the top bit is set. */
export function padHex(value: bigint): string {
  let hex = value.toString(16);
  if (hex.length % 2 !== 0) hex = `0${hex}`;
  return /^[89a-f]/i.test(hex) ? `00${hex}` : hex;
}

const sha256Hex = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
const hexHash = (hex: string) => sha256Hex(Buffer.from(hex, 'hex'));
const toBigInt = (hex: string) => BigInt(`0x${hex}`);

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = ((base % modulus) + modulus) % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
    e >>= 1n;
  }
  return result;
}

const k = toBigInt(hexHash(`${padHex(N)}${padHex(g)}`));

/** The pool name in SRP computations: the part of the pool id after the region (`eu-west-1_AbC` → `AbC`). */
export const poolNameOf = (userPoolId: string) => userPoolId.split('_')[1] ?? userPoolId;

function passwordExponent(poolName: string, userId: string, password: string, saltHex: string): bigint {
  return toBigInt(hexHash(padHex(toBigInt(saltHex)) + sha256Hex(`${poolName}${userId}:${password}`)));
}

/** What is stored instead of the password: a random salt and the verifier g^x mod N. */
export function srpVerifier(poolName: string, userId: string, password: string) {
  const salt = padHex(toBigInt(randomBytes(16).toString('hex')));
  const verifier = modPow(g, passwordExponent(poolName, userId, password, salt), N);
  return { salt, verifier: verifier.toString(16) };
}

/** The server's first step: its ephemeral B for the client's A (throws when A is 0 mod N). */
export function srpChallenge(srpA: string, verifierHex: string) {
  const A = toBigInt(srpA);
  if (A % N === 0n) throw new Error('SRP_A is invalid');
  const b = toBigInt(randomBytes(32).toString('hex'));
  const B = (k * toBigInt(verifierHex) + modPow(g, b, N)) % N;
  return { b: b.toString(16), srpB: B.toString(16) };
}

/** Checks the client's password claim signature; true when it proves knowledge of the password. */
export function srpVerifyClaim(input: {
  poolName: string;
  userId: string;
  srpA: string;
  srpB: string;
  b: string;
  verifier: string;
  secretBlock: string;
  timestamp: string;
  signature: string;
}): boolean {
  const A = toBigInt(input.srpA);
  const B = toBigInt(input.srpB);
  const u = toBigInt(hexHash(padHex(A) + padHex(B)));
  if (u === 0n) return false;
  const S = modPow(A * modPow(toBigInt(input.verifier), u, N), toBigInt(input.b), N);
  const prk = createHmac('sha256', Buffer.from(padHex(u), 'hex'))
    .update(Buffer.from(padHex(S), 'hex'))
    .digest();
  const key = createHmac('sha256', prk)
    .update(Buffer.concat([Buffer.from('Caldera Derived Key', 'utf8'), Buffer.from([1])]))
    .digest()
    .subarray(0, 16);
  const expected = createHmac('sha256', key)
    .update(
      Buffer.concat([
        Buffer.from(input.poolName, 'utf8'),
        Buffer.from(input.userId, 'utf8'),
        Buffer.from(input.secretBlock, 'base64'),
        Buffer.from(input.timestamp, 'utf8'),
      ]),
    )
    .digest();
  const given = Buffer.from(input.signature, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
