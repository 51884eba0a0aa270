// Kept equal to package.json's version by test/cli.test.ts (dist/ cannot reach package.json reliably).
export const VERSION = '0.1.0';
