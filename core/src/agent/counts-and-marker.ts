// The two opt-in things the agent does inside the user's database itself, at
// each heartbeat: row counts per table (--count-rows; refreshed every everyMs,
// skipped above maxBytes: row-counts.ts) and a `_borela_marker` row for the
// drills' round-trip proof (--marker: marker.ts). Failures become notes.
//
//   new CountsAndMarker()
//   refresh(file: string, state: { exists, sizeBytes (bytes) } | null, ctx: OptIn): Promise<void>   never throws
//   tableCounts: Record<table, rows> | null · tableCountsAt: Date | null · marker: { value, at (ISO) } | null
//   notes(): string[]   why counts were skipped or failed, why the marker was not written
import { writeMarker } from "./marker.ts";
import { countTableRows } from "./row-counts.ts";

export interface OptIn {
  now: Date;
  countRows: { enabled: boolean; maxBytes: number; everyMs: number };
  marker: boolean;
}

export class CountsAndMarker {
  tableCounts: Record<string, number> | null = null;
  tableCountsAt: Date | null = null;
  marker: { value: string; at: string } | null = null;
  private countNote: string | null = null;
  private markerNote: string | null = null;

  async refresh(file: string, state: { exists: boolean; sizeBytes: number } | null, ctx: OptIn): Promise<void> {
    if (!state?.exists) return;
    await this.count(file, state.sizeBytes, ctx);
    await this.writeMarker(file, ctx);
  }

  notes(): string[] {
    return [this.countNote, this.markerNote].filter((n): n is string => n !== null);
  }

  private async count(file: string, sizeBytes: number, ctx: OptIn): Promise<void> {
    if (!ctx.countRows.enabled) return;
    if (this.tableCountsAt && ctx.now.getTime() - this.tableCountsAt.getTime() < ctx.countRows.everyMs) return;
    try {
      const result = await countTableRows(file, ctx.countRows.maxBytes, sizeBytes);
      this.countNote = result.skipped;
      if (result.counts) {
        this.tableCounts = result.counts;
        this.tableCountsAt = ctx.now;
      }
    } catch (err) {
      this.countNote = `row counts failed: ${(err as Error).message}`;
    }
  }

  private async writeMarker(file: string, ctx: OptIn): Promise<void> {
    if (!ctx.marker) return;
    try {
      this.marker = await writeMarker(file, ctx.now);
      this.markerNote = null;
    } catch (err) {
      this.markerNote = `marker not written: ${(err as Error).message}`;
    }
  }
}
