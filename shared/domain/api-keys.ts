import { createHash, randomBytes } from 'node:crypto';
import type { ApiKeyMode } from '../ports/tenant-repository.js';

const API_KEY_PATTERN = /^sk_(test|live)_[A-Za-z0-9_-]{32}$/;

/** A new secret key: `sk_test_` or `sk_live_` and 192 random bits. Shown once, never stored. */
export function generateApiKey(mode: ApiKeyMode): string {
  return `sk_${mode}_${randomBytes(24).toString('base64url')}`;
}

/** Keys carry 192 random bits, so a plain SHA-256 is enough (no password-style stretching needed). */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function looksLikeApiKey(value: string): boolean {
  return API_KEY_PATTERN.test(value);
}

export function apiKeyHint(key: string): string {
  return `${key.slice(0, 8)}…${key.slice(-4)}`;
}
