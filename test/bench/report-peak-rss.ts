import { writeFileSync } from 'node:fs';

/**
 * Preloaded (`node --import`) into a CLI child by the hostile bench: on exit, writes the
 * process's peak RSS (kB, getrusage ru_maxrss) to the file the bench named, so each case's peak
 * is its own process's.
 */
const file = process.env['MTLS_CHAOS_PEAK_RSS_FILE'];
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
