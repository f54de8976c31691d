/**
 * Checks on every WebSocket upgrade. The agent is a code-execution port by design, so each
 * request must come from this machine, from a non-browser client, with the token.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** 0–255 in plain decimal with no leading zero: what the address parsers of every client agree on. */
const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]\\d|\\d)';
const LOOPBACK_HOST = new RegExp(`^(?:localhost|127\\.${OCTET}\\.${OCTET}\\.${OCTET}|\\[::1\\])(?::\\d{1,5})?$`, 'i');

/**
 * True when the Host header names this machine's loopback: `localhost`, a dotted-decimal
 * 127.x.y.z, or `[::1]`, with an optional port. Everything else is refused — another name
 * (DNS rebinding: `evil.example`), look-alikes (`localhost6`), strings that only some parsers
 * read as addresses (`10.0.2.555`, octal `0177.0.0.1`, `2130706433`).
 */
export function isLoopbackHost(host: string | undefined): boolean {
  return host !== undefined && LOOPBACK_HOST.test(host);
}

/** Compares a presented token with the agent's in constant time (hashing first evens the lengths). */
export function tokenMatches(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The token from `Authorization: Bearer <token>`, or undefined. */
export function bearerToken(authorization: string | undefined): string | undefined {
  // The scheme name is case-insensitive (RFC 9110 §11.1).
  const match = /^Bearer ([\w-]{1,512})$/i.exec(authorization ?? '');
  return match?.[1];
}

export interface Refusal {
  status: 401 | 403 | 500 | 503;
  reason: string;
}

export interface UpgradeHeaders {
  host?: string;
  origin?: string;
  authorization?: string;
}

/** Decides an upgrade request; undefined means accept. */
export function checkUpgrade(headers: UpgradeHeaders, token: string): Refusal | undefined {
  if (!isLoopbackHost(headers.host)) {
    return { status: 403, reason: `Host header '${headers.host ?? ''}' is not a loopback name or address` };
  }
  if (headers.origin !== undefined) {
    return { status: 403, reason: `requests from a browser (Origin '${headers.origin}') are refused` };
  }
  const presented = bearerToken(headers.authorization);
  if (presented === undefined) {
    return { status: 401, reason: 'missing token: send Authorization: Bearer <token> from the discovery file' };
  }
  if (!tokenMatches(presented, token)) return { status: 401, reason: 'wrong token' };
  return undefined;
}
