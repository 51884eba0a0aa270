// Under CI a test that cannot run must fail, not skip: a CI machine without its fixtures or clients
// would otherwise pass while checking nothing. CI is "set" unless empty, "false" or "0".

export function isCI(value: string | undefined): boolean {
  return value !== undefined && !['', 'false', '0'].includes(value.trim().toLowerCase());
}

export const underCI = isCI(process.env.CI);
