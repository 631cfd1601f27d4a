import { readdir, readFile, readlink } from 'node:fs/promises';

/** Listening TCP sockets of `pids`: their socket inodes matched against /proc/net/tcp and tcp6. */
export async function listeningSockets(pids: readonly number[]): Promise<{ pid: number; address: string }[]> {
  const listening = new Map<string, string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of (await readFile(table, 'utf8')).split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10 || fields[3] !== '0A') continue; // 0A = LISTEN
      listening.set(fields[9]!, decodeAddress(fields[1]!));
    }
  }
  const sockets: { pid: number; address: string }[] = [];
  for (const pid of pids) {
    for (const fd of await readdir(`/proc/${pid}/fd`).catch(() => [] as string[])) {
      const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      const address = inode && listening.get(inode);
      if (address) sockets.push({ pid, address });
    }
  }
  return sockets;
}

/** `0100007F:1F90` -> `127.0.0.1:8080`; IPv6 as 32 hex digits in 4-byte little-endian words. */
function decodeAddress(hex: string): string {
  const [host, port] = hex.split(':') as [string, string];
  const portNumber = parseInt(port, 16);
  if (host.length === 8) return `${[3, 2, 1, 0].map((index) => parseInt(host.slice(index * 2, index * 2 + 2), 16)).join('.')}:${portNumber}`;
  const bytes: string[] = [];
  for (let word = 0; word < 4; word++) {
    const chunk = host.slice(word * 8, word * 8 + 8);
    for (const index of [3, 2, 1, 0]) bytes.push(chunk.slice(index * 2, index * 2 + 2));
  }
  const groups: string[] = [];
  for (let index = 0; index < 16; index += 2) groups.push(`${bytes[index]}${bytes[index + 1]}`.toLowerCase());
  return `[${groups.join(':')}]:${portNumber}`;
}

/** A listening address on loopback, as decodeAddress writes it (IPv4, ::1, or IPv4-mapped 127.x). */
export const LOOPBACK = /^(127\.\d+\.\d+\.\d+|\[0000:0000:0000:0000:0000:0000:0000:0001\]|\[0000:0000:0000:0000:0000:ffff:7f00:00\d\d\]):\d+$/;
