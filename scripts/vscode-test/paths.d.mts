// Types of paths.mjs for the TypeScript that imports it (test/ui).
export const root: string;
export const codeServerVersion: string;
export const nodeMajor: number;
export const node: string;
export const nodeDir: string;
export const cacheDir: string;
export const codeServerPrefix: string;
export const codeServerEntry: string;
export const codeServerMarker: string;
export const chromium: string;
export const suiteSrc: string;
export const suiteOut: string;
export const suiteIndex: string;
export const exampleApp: string;
export const aptHint: string;
