import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

// Where a pid means something: one PID namespace of one boot of one kernel. Two containers on one
// machine share the boot (and, with --network host or --uts host, the hostname) but not the PID
// namespace; a restarted machine has a new boot id. Off Linux the hostname and machine id stand in.

export function hostIdentity(): string {
  const boot =
    firstReadable(
      () => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8'),
      () => readFileSync('/etc/machine-id', 'utf8'),
    ) ?? 'unknown-boot';
  const pidNamespace = firstReadable(() => readlinkSync('/proc/self/ns/pid')) ?? 'unknown-pid-namespace';
  return `${hostname() || 'unknown-host'}/${boot}/${pidNamespace}`.replace(/\s+/g, '');
}

/** The hostname part, for messages. */
export function hostName(identity: string): string {
  return identity.split('/')[0]!;
}

function firstReadable(...reads: Array<() => string>): string | undefined {
  for (const read of reads) {
    try {
      const value = read().trim();
      if (value !== '') return value;
    } catch {
      // not on this platform, or not readable here: try the next
    }
  }
  return undefined;
}
