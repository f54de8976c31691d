/**
 * The protocol's version, apart from protocol.ts so that the agent can publish it in its
 * discovery file without loading the protocol's schemas (and zod) at the app's start.
 */

/** Bumped on any incompatible change; the handshake refuses a client with another version. */
export const PROTOCOL_VERSION = 1;
