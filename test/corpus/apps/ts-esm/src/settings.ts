// Settings as a typed object literal, read by the handlers at each request.
export const settings = {
  currency: 'EUR',
  pageSize: 20,
} as const;
