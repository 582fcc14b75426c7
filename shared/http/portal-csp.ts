/**
 * The portal's Content-Security-Policy, one definition for CloudFront's response headers policy
 * (AWS) and the local gateway: scripts and styles from the portal's origin only, API calls to it and
 * to `connectSources` (the identity provider, the attachment and report buckets), never framed.
 */
export function portalContentSecurityPolicy(connectSources: readonly string[]): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self' ${connectSources.join(' ')}`.trim(),
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}
