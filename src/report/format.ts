import { formatDuration } from '../duration.js';
import { visibleText } from '../visible-text.js';

/** Number formats shared by the Markdown and console renderers, so both say the same thing. */

export function formatCount(count: number): string {
  return Math.round(count).toLocaleString('en-US');
}

/** A ratio 0..1 as a percentage: 0.99834 -> "99.83%", 1 -> "100%". */
export function formatRatio(ratio: number): string {
  return `${Number((ratio * 100).toFixed(2))}%`;
}

/** Latency cells: fixed two decimals so columns line up. */
export function formatMs(ms: number): string {
  return ms.toFixed(2);
}

export function formatCpu(percent: number): string {
  return `${Number(percent.toFixed(1))}%`;
}

export function formatRate(perSecond: number): string {
  return `${Number(perSecond.toFixed(1))}/s`;
}

export function formatOffset(ms: number): string {
  return ms === 0 ? '0s' : formatDuration(ms);
}

/**
 * Plain-text columns for terminals and CI logs: header plus rows, padded, two spaces apart. Cells
 * hold values from result files (an SLO as written, a name), shown with their control characters
 * written out (visible-text.ts) before the columns are measured.
 */
export function alignedTable(header: readonly string[], textRows: readonly (readonly string[])[], alignRight: readonly boolean[]): string[] {
  const rows = textRows.map((row) => row.map(visibleText));
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)));
  const render = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => {
        const width = widths[column] ?? 0;
        return alignRight[column] ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ');
  return [render(header), ...rows.map(render)];
}
